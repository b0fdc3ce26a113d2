/*
 * Host tests for what happens to a guest when it ends (xen-lite/guest_end.c):
 * which of on_poweroff, on_reboot and on_crash applies to how it ended, that
 * a restart without kept images becomes a destroy, that dom0 and domains
 * still running or being destroyed are left alone, the names logged, when
 * images are kept, and the pace of restarts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/guest_end.h>

static struct domain dom;
static char images[16];

static int setup(void **state)
{
	memset(&dom, 0, sizeof(dom));
	dom.id = 4;
	dom.images = images;
	dom.end_actions = (struct guest_end_actions){ .on_poweroff = GUEST_END_DESTROY,
						      .on_reboot = GUEST_END_RESTART,
						      .on_crash = GUEST_END_PRESERVE };
	return 0;
}

static void end(enum domain_state state, int reason)
{
	dom.state = state;
	dom.shutdown_reason = reason;
}

/* each way of ending has its own setting */
static void test_each_end_its_setting(void **state)
{
	end(DOMAIN_SHUTDOWN, XL_SHUTDOWN_POWEROFF);
	assert_int_equal(guest_end_action(&dom), GUEST_END_DESTROY);
	assert_string_equal(guest_end_setting(&dom), "on_poweroff=destroy");
	end(DOMAIN_SHUTDOWN, XL_SHUTDOWN_REBOOT);
	assert_int_equal(guest_end_action(&dom), GUEST_END_RESTART);
	assert_string_equal(guest_end_setting(&dom), "on_reboot=restart");
	end(DOMAIN_CRASHED, XL_SHUTDOWN_POWEROFF); /* a crash is a crash, whatever reason was left */
	assert_int_equal(guest_end_action(&dom), GUEST_END_PRESERVE);
	assert_string_equal(guest_end_setting(&dom), "on_crash=preserve");

	dom.end_actions = (struct guest_end_actions){ .on_poweroff = GUEST_END_RESTART,
						      .on_reboot = GUEST_END_PRESERVE,
						      .on_crash = GUEST_END_DESTROY };
	end(DOMAIN_SHUTDOWN, XL_SHUTDOWN_POWEROFF);
	assert_int_equal(guest_end_action(&dom), GUEST_END_RESTART);
	assert_string_equal(guest_end_setting(&dom), "on_poweroff=restart");
	end(DOMAIN_SHUTDOWN, XL_SHUTDOWN_REBOOT);
	assert_int_equal(guest_end_action(&dom), GUEST_END_PRESERVE);
	assert_string_equal(guest_end_setting(&dom), "on_reboot=preserve");
	end(DOMAIN_CRASHED, 0);
	assert_int_equal(guest_end_action(&dom), GUEST_END_DESTROY);
	assert_string_equal(guest_end_setting(&dom), "on_crash=destroy");
}

/* the zero settings (an ABI request without the flags) preserve every end */
static void test_zero_settings_preserve(void **state)
{
	static const enum domain_state ended[] = { DOMAIN_SHUTDOWN, DOMAIN_SHUTDOWN, DOMAIN_CRASHED };
	static const int reasons[] = { XL_SHUTDOWN_POWEROFF, XL_SHUTDOWN_REBOOT, 0 };

	memset(&dom.end_actions, 0, sizeof(dom.end_actions));
	for (unsigned int i = 0; i < 3; i++) {
		end(ended[i], reasons[i]);
		assert_int_equal(guest_end_action(&dom), GUEST_END_PRESERVE);
	}
}

/* running, paused, building, or being destroyed: nothing to do */
static void test_not_ended_nothing(void **state)
{
	static const enum domain_state live[] = { DOMAIN_BUILDING, DOMAIN_RUNNING, DOMAIN_PAUSED,
						  DOMAIN_DYING };

	dom.end_actions = (struct guest_end_actions){ GUEST_END_DESTROY, GUEST_END_DESTROY,
						      GUEST_END_DESTROY };
	for (unsigned int i = 0; i < 4; i++) {
		end(live[i], XL_SHUTDOWN_REBOOT);
		assert_int_equal(guest_end_action(&dom), GUEST_END_PRESERVE);
		assert_string_equal(guest_end_setting(&dom), "none");
	}
}

/* dom0's end is dom0.c's (dom0_on_crash), never a guest action */
static void test_dom0_left_alone(void **state)
{
	dom.privileged = true;
	dom.end_actions = (struct guest_end_actions){ GUEST_END_RESTART, GUEST_END_RESTART,
						      GUEST_END_RESTART };
	end(DOMAIN_SHUTDOWN, XL_SHUTDOWN_REBOOT);
	assert_int_equal(guest_end_action(&dom), GUEST_END_PRESERVE);
	end(DOMAIN_CRASHED, 0);
	assert_int_equal(guest_end_action(&dom), GUEST_END_PRESERVE);
}

/* a restart builds from the kept images: without them it gives everything back */
static void test_restart_without_images_destroys(void **state)
{
	dom.images = NULL;
	end(DOMAIN_SHUTDOWN, XL_SHUTDOWN_REBOOT);
	assert_int_equal(guest_end_action(&dom), GUEST_END_DESTROY);
	assert_string_equal(guest_end_setting(&dom), "on_reboot=restart");
}

/* images are kept when any end restarts the guest */
static void test_images_kept_for_restarts(void **state)
{
	struct guest_end_actions a = { GUEST_END_DESTROY, GUEST_END_PRESERVE, GUEST_END_DESTROY };

	assert_false(guest_end_restarts(&a));
	a.on_crash = GUEST_END_RESTART;
	assert_true(guest_end_restarts(&a));
	a = (struct guest_end_actions){ GUEST_END_RESTART, GUEST_END_DESTROY, GUEST_END_DESTROY };
	assert_true(guest_end_restarts(&a));
	a = (struct guest_end_actions){ GUEST_END_DESTROY, GUEST_END_RESTART, GUEST_END_DESTROY };
	assert_true(guest_end_restarts(&a));
}

/* a guest is rebuilt at most once a minimum interval after its creation */
static void test_restart_pace(void **state)
{
	dom.created_us = 5000000;
	assert_int_equal(guest_restart_not_before_us(&dom), 5000000 + GUEST_RESTART_MIN_INTERVAL_US);
	assert_true(GUEST_RESTART_MIN_INTERVAL_US >= 1000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_each_end_its_setting, setup),
		cmocka_unit_test_setup(test_zero_settings_preserve, setup),
		cmocka_unit_test_setup(test_not_ended_nothing, setup),
		cmocka_unit_test_setup(test_dom0_left_alone, setup),
		cmocka_unit_test_setup(test_restart_without_images_destroys, setup),
		cmocka_unit_test_setup(test_images_kept_for_restarts, setup),
		cmocka_unit_test_setup(test_restart_pace, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
