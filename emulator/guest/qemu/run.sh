#!/usr/bin/env bash
# Dev only: boot the committed kernel and initrd under QEMU (one CPU) through
# the multiboot shim in this folder.
#   bash emulator/guest/qemu/run.sh "init=init -- hello writeval"
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
gcc -m32 -O2 -ffreestanding -fno-pic -fno-stack-protector -nostdlib -fcf-protection=none -c "$HERE/shim.c" -o "$WORK/shim_c.o"
gcc -m32 -c "$HERE/shim.S" -o "$WORK/shim_s.o"
ld -m elf_i386 -z noexecstack --no-warn-rwx-segments -T "$HERE/shim.ld" -o "$WORK/shim.elf" "$WORK/shim_s.o" "$WORK/shim_c.o"
# TCG with -cpu max: SMEP, SMAP and NX are emulated. QEMU 7.2's TCG ignores
# the x2APIC MSRs, so there are no timer interrupts here: no preemption, no
# watchdog, and panic=<ms> waits forever.
exec timeout "${TIMEOUT:-20}" qemu-system-x86_64 ${QEMU_EXTRA:-} -cpu max -m 128M -nographic -no-reboot \
    -kernel "$WORK/shim.elf" -append "${1:-}" \
    -initrd "$HERE/../build/kernel.elf,$HERE/../build/initrd.img"
