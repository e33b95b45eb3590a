#!/usr/bin/env bash
# Dev only: boot the committed kernel and initrd under QEMU (one CPU, KVM if
# available) through the multiboot shim in this folder.
#   bash emulator/guest/qemu/run.sh "init=init -- hello writeval"
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
gcc -m32 -O2 -ffreestanding -fno-pic -fno-stack-protector -nostdlib -fcf-protection=none -c "$HERE/shim.c" -o "$WORK/shim_c.o"
gcc -m32 -c "$HERE/shim.S" -o "$WORK/shim_s.o"
ld -m elf_i386 -z noexecstack --no-warn-rwx-segments -T "$HERE/shim.ld" -o "$WORK/shim.elf" "$WORK/shim_s.o" "$WORK/shim_c.o"
ACCEL=(-cpu max)
[ -w /dev/kvm ] && [ -z "${NOKVM:-}" ] && ACCEL=(-enable-kvm -cpu host,-arch-capabilities)
exec timeout "${TIMEOUT:-20}" qemu-system-x86_64 ${QEMU_EXTRA:-} "${ACCEL[@]}" -m 128M -nographic -no-reboot \
    -kernel "$WORK/shim.elf" -append "${1:-}" \
    -initrd "$HERE/../build/kernel.elf,$HERE/../build/initrd.img"
