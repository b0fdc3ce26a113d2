#!/usr/bin/env python3
"""Check and measure the hypervisor's layering (Documentation/architecture.md).

    scripts/layers.py [BUILD_DIR]        check the rules; exit 1 on a violation
    scripts/layers.py --report [DIR]     also print the measurements

Reads the symbol tables of the hypervisor's objects (nm over BUILD_DIR/hv,
default build/hv): file A depends on file B when A references a global
symbol B defines. Each source file belongs to a layer by its path; the rules:

  * inside arch/, a file depends only on its own layer or the layers below
    (lib < cpu < emul < vendor < devices < vm);
  * the core (xen-lite/, hypercalls/) reaches arch/ only through the
    functions the arch interface headers (include/xen-lite/arch/*.h) declare;
  * arch/ reaches the core only through the services listed in
    CORE_SERVICES (domain state, guest memory, console and log, memory,
    hypercall entry, the run slots, parsers) - never its policy;
  * no core or hypercall source includes an arch header other than through
    include/xen-lite/arch/.

The report adds: the arch hooks declared per header, the cycles (strongly
connected files), and every upward dependency with the symbols behind it.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (path prefix, layer, rank); the first match wins
LAYERS = [
    ("lib/", "lib", 0),
    ("arch/x86_64/boot/head.S", "vm", 5),  # the entry stub hands over to setup.c
    ("arch/x86_64/boot/", "cpu", 1),
    ("arch/x86_64/cpu/", "cpu", 1),
    ("arch/x86_64/emul/", "emul", 2),
    ("arch/x86_64/svm/", "vendor", 3),
    ("arch/x86_64/vmx/", "vendor", 3),
    ("arch/x86_64/dom0/", "devices", 4),
    ("arch/x86_64/guest/", "devices", 4),
    ("iommu/", "iommu", 4),  # the IOMMU drivers: platform devices the core reaches by their ops
    ("arch/x86_64/vm/", "vm", 5),
    ("arch/x86_64/setup.c", "vm", 5),
    ("xen-lite/", "core", 6),
    ("hypercalls/", "core", 6),
]

# Core files whose functions the architecture may call (and only these):
# what an architecture needs from any core, never policy.
CORE_SERVICES = {
    "xen-lite/domain.c",      # domain state, crash/shutdown, lookup
    "xen-lite/guest_memory.c",  # a domain's RAM: is it RAM, copies to and from it
    "xen-lite/domain_console.c",  # a domain's console ring, fed by its console device
    "xen-lite/run_slot.c",    # the per-CPU run slots the idle loop asks for work
    "xen-lite/console.c",     # log and console
    "xen-lite/console_keys.c",  # the hypervisor's key menu, fed by a console driver
    "xen-lite/panic.c",
    "xen-lite/mm.c",
    "xen-lite/heap.c",
    "xen-lite/module_hooks.c",  # behaviour modules' exit hooks, called around the exit handlers
    "xen-lite/heap_pages.c",
    "xen-lite/page_alloc.c",
    "xen-lite/params.c",
    "xen-lite/cmdline.c",
    "xen-lite/memmap.c",
    "xen-lite/acpi.c",        # table parsers
    "xen-lite/iommu_faults.c",  # DMA faults: collected where the platform polls, counted, logged
    "xen-lite/iommu_intr.c",  # interrupt remapping entries a device model asks for (a guest's, dom0's)
    "xen-lite/pci_devices.c",  # which PCI functions are dom0's: its MSI model leaves a guest's alone
    "xen-lite/main.c",        # xl_main: the arch's boot stub hands over
    "hypercalls/hypercall.c",  # the hypercall entry an exit handler calls
}

INTERFACE_DIR = "include/xen-lite/arch/"


def layer_of(path):
    for prefix, name, rank in LAYERS:
        if path.startswith(prefix):
            return name, rank
    return None, None


def objects(build):
    hv = os.path.join(build, "hv")
    for dirpath, _, files in os.walk(hv):
        for f in files:
            if f.endswith(".o"):
                obj = os.path.join(dirpath, f)
                src = os.path.relpath(obj, hv)[:-2]
                for ext in (".c", ".S"):
                    if os.path.exists(os.path.join(ROOT, src + ext)):
                        yield obj, src + ext
                        break


def symbols(obj):
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRC":
            defined.add(parts[2])
    return defined, used


def interface_functions():
    names, per_header = set(), {}
    d = os.path.join(ROOT, INTERFACE_DIR)
    if not os.path.isdir(d):
        return names, per_header
    for f in sorted(os.listdir(d)):
        if f.endswith(".h"):
            text = open(os.path.join(d, f)).read()
            found = set(re.findall(r"\b([a-z_][a-z0-9_]*)\s*\(", strip_comments(text)))
            found = {n for n in found if not n.startswith("__") and n not in ("sizeof", "if")}
            names |= found
            per_header[INTERFACE_DIR + f] = sorted(found)
    return names, per_header


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def hook_declarations():
    """arch_* prototypes in every core header."""
    counts = {}
    for dirpath, _, files in os.walk(os.path.join(ROOT, "include/xen-lite")):
        for f in files:
            if not f.endswith(".h"):
                continue
            path = os.path.relpath(os.path.join(dirpath, f), ROOT)
            text = strip_comments(open(os.path.join(dirpath, f)).read())
            n = len(re.findall(r"^[^#\n]*\b(arch_[a-z0-9_]+)\s*\(", text, flags=re.M))
            if n:
                counts[path] = n
    return counts


def bad_includes():
    bad = []
    for top in ("xen-lite", "hypercalls"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for f in files:
                if not f.endswith((".c", ".h")):
                    continue
                path = os.path.relpath(os.path.join(dirpath, f), ROOT)
                for n, line in enumerate(open(os.path.join(dirpath, f)), 1):
                    if re.match(r'\s*#\s*include\s*[<"](arch/|\.\./arch)', line):
                        bad.append(f"{path}:{n}: {line.strip()}")
    return bad


def sccs(nodes, edges):
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    report = "--report" in sys.argv
    build = args[0] if args else os.path.join(ROOT, "build")
    defs, uses = {}, {}
    for obj, src in objects(build):
        d, u = symbols(obj)
        uses[src] = u
        for s in d:
            defs[s] = src
    if not uses:
        print(f"layers: no objects under {build}/hv: build first (make)")
        return 2
    iface, per_header = interface_functions()
    edges, why = {}, {}
    for src, used in uses.items():
        for s in used:
            dst = defs.get(s)
            if dst and dst != src:
                edges.setdefault(src, set()).add(dst)
                why.setdefault((src, dst), set()).add(s)

    violations, upward = [], []
    for (src, dst), syms in sorted(why.items()):
        sl, sr = layer_of(src)
        dl, dr = layer_of(dst)
        if sl is None or dl is None:
            continue
        names = ", ".join(sorted(syms))
        if sl == "core" and dl != "core":
            if dl != "lib" and syms - iface:
                violations.append(f"{src} -> {dst}: not in the arch interface: "
                                  f"{', '.join(sorted(syms - iface))}")
        elif dl == "core" and sl != "core":
            upward.append(f"{src} -> {dst}: {names}")
            if dst not in CORE_SERVICES:
                violations.append(f"{src} -> {dst}: arch reaches core policy: {names}")
        elif sr < dr:
            upward.append(f"{src} -> {dst}: {names}")
            violations.append(f"{src} ({sl}) -> {dst} ({dl}): upward: {names}")
    includes = bad_includes()
    violations += [f"{b}: an arch header outside include/xen-lite/arch/" for b in includes]
    cycles = sccs(set(uses), edges)
    # the layered view: an architecture's calls into the core's services are the core's
    # API (as libc's are a program's), not a way back up; what cycles remain without them?
    layered = {src: {dst for dst in dsts
                     if not (layer_of(src)[0] not in (None, "core") and dst in CORE_SERVICES)}
               for src, dsts in edges.items()}
    layered_cycles = sccs(set(uses), layered)

    if report:
        hooks = hook_declarations()
        print(f"arch hook declarations: {sum(hooks.values())} in {len(hooks)} core header(s)")
        for h, n in sorted(hooks.items()):
            print(f"  {h}: {n}")
        print(f"arch interface headers: {len(per_header)}")
        for h, names in per_header.items():
            print(f"  {h}: {len(names)}")
        in_cycles = sum(len(c) for c in cycles)
        print(f"cycles: {len(cycles)}, {in_cycles} file(s) in them, largest {max(map(len, cycles), default=0)}")
        for c in cycles:
            print(f"  {len(c)}: {' '.join(c)}")
        in_layered = sum(len(c) for c in layered_cycles)
        print(f"cycles without the arch's calls into core services: {len(layered_cycles)}, "
              f"{in_layered} file(s) in them, largest {max(map(len, layered_cycles), default=0)}")
        for c in layered_cycles:
            print(f"  {len(c)}: {' '.join(c)}")
        print(f"upward dependencies (file pairs): {len(upward)}")
        for u in upward:
            print(f"  {u}")
    for v in violations:
        print(f"layers: {v}")
    print(f"layers: {len(violations)} violation(s), {len(uses)} file(s), "
          f"{sum(len(e) for e in edges.values())} dependencies")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
