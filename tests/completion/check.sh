#!/bin/bash
# The bash completion of xl-lite (dom0-tools/xl-lite.bash-completion): it parses,
# its commands and each command's options are those `xl-lite help` lists, and a
# few completions come out right, with a stand-in xl-lite for `list`.
#   tests/completion/check.sh XL_LITE     XL_LITE: a built xl-lite (help needs no device)
# Prints what is wrong; exits 0 when nothing is.
set -u
cd "$(dirname "$0")/../.." || exit 1
XL=$(realpath "$1")
COMPLETION=dom0-tools/xl-lite.bash-completion
bad=0
fail() { echo "completion: $*"; bad=1; }

bash -n "$COMPLETION" || fail "bash -n refuses $COMPLETION"

# a stand-in for xl-lite: a fixed domain list, the real help
stub=$(mktemp -d)
trap 'rm -rf "$stub"' EXIT
cat >"$stub/xl-lite" <<STUB
#!/bin/sh
case "\$1" in
list) printf 'NAME ID MEM(MiB)\ndom0 0 512\nweb 3 64\nwebdb 4 64\n' ;;
pci-assignable-list) printf '0000:00:02.0 assignable\n0000:00:03.0 assigned d3\n' ;;
module) [ "\$2" = list ] && printf 'NAME ID VERSION\nexit-profiler 1 1.0\nexit-tracer 2 1.0\n' ;;
shm-list) printf 'NAME SIZE FLAGS ATTACHED\nring 2M - 3:rw@0x8000000000\nring-old 4K destroyed 4:ro@0x8000000000\nrows 4K auto -\n' ;;
*) exec "$XL" "\$@" ;;
esac
STUB
chmod +x "$stub/xl-lite"
PATH=$stub:$PATH
# shellcheck source=dom0-tools/xl-lite.bash-completion
source "$COMPLETION"

sorted() { tr ' ' '\n' | grep -v '^$' | sort | tr '\n' ' '; }

# the commands: those of the general help ("  NAME  summary" lines)
want=$(xl-lite help | sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p' | sorted)
have=$(echo "$_xl_lite_commands" | sorted)
[ "$want" = "$have" ] || fail "commands: xl-lite help has '$want', the completion '$have'"

# each command's options: those of its help ("  -x, --long  ..." lines); help's help is
# the general one
for cmd in $_xl_lite_commands; do
	[ "$cmd" != help ] || continue
	want=$(xl-lite help "$cmd" | sed -n 's/^  \(-[a-zA-Z]\), \(--[a-z-]*\) .*/\1 \2/p' | sorted)
	have=$(_xl_lite_options "$cmd" | sorted)
	[ "$want" = "$have" ] || fail "$cmd: options '$want' in its help, '$have' completed"
done

# complete WORDS...: what the completion offers for the last word
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_xl_lite
	echo "${COMPREPLY[*]}"
}
expect() { # WANT WORDS...
	local want=$1 got
	shift
	got=$(complete_words "$@")
	[ "$got" = "$want" ] || fail "'$*': '$got', not '$want'"
}
expect "destroy" xl-lite destr
expect "pci-assignable-add pci-assignable-remove pci-assignable-list pci-list" xl-lite pci
expect "web webdb" xl-lite destroy we
expect "web webdb" xl-lite shutdown -w we
expect "" xl-lite destroy web x
expect "--long" xl-lite list --lo
expect "-w --wait -a --all -F --force -h --help" xl-lite shutdown -
expect "--force" xl-lite reboot --f
expect "web webdb" xl-lite run we
expect "web webdb" xl-lite reboot -F we
expect "memory=" xl-lite create g.cfg mem
expect "vcpu-list" xl-lite help vcpu
expect "0000:00:02.0" xl-lite pci-assignable-remove 0
expect "load list" xl-lite module l
expect "mk/modules.mk" xl-lite module load mk/modu
expect "exit-profiler exit-tracer" xl-lite module unload exit
expect "" xl-lite module unload exit-profiler x
expect "web webdb" xl-lite profile -r we
expect "--reset" xl-lite profile --re
expect "info introspect inject" xl-lite in
expect "--unsafe" xl-lite inject --un
expect "mk/modules.mk" xl-lite inject -u mk/modu
expect "" xl-lite inject c.cfg mk/modu
expect "regs revoke" xl-lite introspect re
expect "web webdb" xl-lite introspect regs we
expect "web webdb" xl-lite introspect -j virt we
expect "" xl-lite introspect regs web 0
expect "" xl-lite introspect list x
expect "web webdb" xl-lite introspect grant web we
expect "" xl-lite introspect watch web x
expect "--follow" xl-lite introspect exits --fo
expect "" xl-lite profile web x
expect "shm-create shm-destroy shm-attach shm-detach shm-list shm-read shm-write" xl-lite shm
expect "ring rows" xl-lite shm-attach r
expect "ring rows" xl-lite shm-destroy r
expect "web webdb" xl-lite shm-attach -r ring we
expect "" xl-lite shm-detach ring web x
expect "--read-only" xl-lite shm-attach --re
expect "-z --nul -h --help" xl-lite shm-write -
expect "" xl-lite shm-read ring 0
expect "web webdb" xl-lite event-connect web we
expect "" xl-lite event-connect web web x
expect "shm=" xl-lite create g.cfg sh
expect "disk=" xl-lite create g.cfg di
expect "vif=" xl-lite create g.cfg vi
expect "vcpus= vif=" xl-lite create g.cfg v
expect "cpu-policy" xl-lite cpu
expect "web webdb" xl-lite cpu-policy -r we
expect "-j --json -r --reset -h --help" xl-lite cpu-policy -
expect "" xl-lite cpu-policy web x
expect "cpus= cpuid=" xl-lite create g.cfg cpu
exit $bad
