#!/usr/bin/env bash
# Builds the guest from source: the kernel ELF, the initrd of user programs,
# the kernel's symbol and line tables, those of every user program (one table
# for all, the program's name first on each line: every program is linked at
# the same addresses) and a manifest of the sources.
#
#   bash emulator/guest/build.sh [OUTDIR]      (default: emulator/guest/build)
#
# The output is reproducible: the same sources give the same bytes in any
# checkout and any output directory (relative source paths, no timestamps,
# sorted inputs, no build IDs). tests/guest/build.test.ts checks that a fresh
# build matches the committed emulator/guest/build/.
set -euo pipefail

GUEST="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(mkdir -p "${1:-$GUEST/build}" && cd "${1:-$GUEST/build}" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$GUEST"
export LC_ALL=C
export SOURCE_DATE_EPOCH=0

CC=${CC:-gcc}
COMMON=(-std=gnu11 -O2 -g -ffreestanding -nostdinc -fno-pie -fno-pic
    -mgeneral-regs-only -fcf-protection=none -fno-asynchronous-unwind-tables -fno-unwind-tables
    -fno-omit-frame-pointer -fno-delete-null-pointer-checks -fno-tree-loop-distribute-patterns
    -Wall -Wextra -Werror
    "-ffile-prefix-map=$GUEST=." "-ffile-prefix-map=$WORK=build"
    -Iinclude -Icommon)
# Kernel: higher half (-mcmodel=kernel: every symbol in the top 2 GiB, so
# 32-bit sign-extended addresses reach it), no red zone (an interrupt pushes
# its frame right below RSP, over what a leaf function would keep there),
# integer registers only, stack protector with a global guard, and no tail
# calls (a jump instead of a call would drop the caller from backtraces).
KFLAGS=("${COMMON[@]}" -mcmodel=kernel -mno-red-zone -fno-optimize-sibling-calls -fstack-protector-strong
    -mstack-protector-guard=global -Ikernel)
UFLAGS=("${COMMON[@]}" -fno-stack-protector -Ilibc)
LDFLAGS=(-nostdlib -static --build-id=none -z noexecstack -z max-page-size=4096 -z separate-code)

sorted() { printf '%s\n' "$@" | sort; }

# ---- kernel ----
mkdir -p "$WORK/kernel" "$WORK/libc" "$WORK/user"
KOBJS=()
for src in $(sorted kernel/*.c kernel/*.S common/*.c); do
    obj="$WORK/kernel/${src//\//_}.o"
    flags=("${KFLAGS[@]}")
    # __stack_chk_fail must not itself check the canary it reports on.
    [ "$src" = kernel/stackprotector.c ] && flags+=(-fno-stack-protector)
    "$CC" "${flags[@]}" -c "$src" -o "$obj"
    KOBJS+=("$obj")
done

link_kernel() { # $1 = ksyms.S, $2 = output
    "$CC" -c "$1" -o "$WORK/ksyms.o"
    ld "${LDFLAGS[@]}" -T kernel/kernel.ld -o "$2" "${KOBJS[@]}" "$WORK/ksyms.o"
}

# Pass 1: an empty symbol table. Pass 2: the table from pass 1's nm.
node tools/ksyms.mjs /dev/null > "$WORK/ksyms-empty.S"
link_kernel "$WORK/ksyms-empty.S" "$WORK/kernel-pass1.elf"
nm -n -S --defined-only "$WORK/kernel-pass1.elf" > "$WORK/pass1.nm"
node tools/ksyms.mjs "$WORK/pass1.nm" > "$WORK/ksyms.S"
link_kernel "$WORK/ksyms.S" "$WORK/kernel.elf"
nm -n -S --defined-only "$WORK/kernel.elf" > "$WORK/pass2.nm"
if ! diff <(grep -v -E ' (ksym_[a-z_]+|_end)$' "$WORK/pass1.nm") \
          <(grep -v -E ' (ksym_[a-z_]+|_end)$' "$WORK/pass2.nm") > /dev/null; then
    echo "build.sh: the symbol table moved kernel symbols between link passes" >&2
    exit 1
fi

# ---- libc and user programs ----
LOBJS=()
for src in $(sorted libc/*.c libc/*.S common/*.c); do
    obj="$WORK/libc/${src//\//_}.o"
    "$CC" "${UFLAGS[@]}" -c "$src" -o "$obj"
    LOBJS+=("$obj")
done
PROGRAMS=()
for src in $(sorted user/*.c); do
    name="$(basename "${src%.c}")"
    "$CC" "${UFLAGS[@]}" -c "$src" -o "$WORK/user/$name.o"
    ld "${LDFLAGS[@]}" -T user/user.ld -o "$WORK/user/$name.full" "$WORK/user/$name.o" "${LOBJS[@]}"
    objcopy --strip-debug "$WORK/user/$name.full" "$WORK/user/$name"
    PROGRAMS+=("$WORK/user/$name")
done

# ---- the emulator implements integer instructions only ----
for elf in "$WORK/kernel.elf" "${PROGRAMS[@]}"; do
    # SSE/AVX registers, or any x87 instruction (every x87 mnemonic starts with f).
    if objdump -d --no-show-raw-insn "$elf" | grep -E -q '%[xyz]mm|%st\b|^\s*[0-9a-f]+:\s+f[a-z0-9]+(\s|$)'; then
        echo "build.sh: $(basename "$elf") contains SSE or x87 instructions" >&2
        exit 1
    fi
done

# ---- outputs ----
objcopy --strip-debug "$WORK/kernel.elf" "$OUT/kernel.elf"
node tools/mkinitrd.mjs "$OUT/initrd.img" "${PROGRAMS[@]}"
grep -E ' [tTdDbBrR] ' "$WORK/pass2.nm" | awk 'NF == 4 { print $1, $2, $4 } NF == 3 { print $1, "0000000000000000", $3 }' \
    > "$OUT/kernel.sym"
objdump --dwarf=decodedline "$WORK/kernel.elf" | node tools/lines.mjs $(sorted kernel/* common/* include/*) \
    > "$OUT/kernel.lines"
# User programs: "program addr size name" and "program addr file line".
for elf in "${PROGRAMS[@]}"; do
    name="$(basename "$elf")"
    nm -n -S --defined-only "$elf.full" | grep -E ' [tTdDbBrR] ' \
        | awk -v p="$name" 'NF == 4 { print p, $1, $2, $4 } NF == 3 { print p, $1, "0000000000000000", $3 }'
done > "$OUT/user.sym"
for elf in "${PROGRAMS[@]}"; do
    name="$(basename "$elf")"
    objdump --dwarf=decodedline "$elf.full" | node tools/lines.mjs $(sorted user/* libc/* common/* include/*) \
        | awk -v p="$name" '{ print p, $0 }'
done > "$OUT/user.lines"
node tools/sources.mjs $(sorted kernel/* common/* include/* libc/* user/*) > "$OUT/sources.json"
echo "guest built in $OUT: kernel.elf initrd.img kernel.sym kernel.lines user.sym user.lines sources.json"
