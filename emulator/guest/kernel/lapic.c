// The local APIC in x2APIC mode: every register is an MSR (SDM 11.12).
// The machine enables x2APIC before the kernel starts; the APIC ID of CPU n is n.
#include "defs.h"
#include "x86.h"
#include "proc.h"
#include "traps.h"

#define X2APIC_ID 0x802
#define X2APIC_EOI 0x80b
#define X2APIC_SPURIOUS 0x80f
#define X2APIC_ICR 0x830
#define X2APIC_LVT_TIMER 0x832
#define X2APIC_TIMER_INITIAL 0x838
#define X2APIC_TIMER_DIVIDE 0x83e

#define SPURIOUS_APIC_ENABLE (1 << 8)
#define LVT_TIMER_PERIODIC (1 << 17)
#define TIMER_DIVIDE_BY_1 0xb
#define ICR_LEVEL_ASSERT (1 << 14)
#define ICR_ALL_BUT_SELF (3UL << 18)
#define ICR_NMI (4 << 8)

// Per CPU: enable the APIC and start a periodic timer. The timer counts down
// once per clock tick (divide by 1), and the machine's clock advances once per
// retired instruction, so TIMER_PERIOD ticks is about that many instructions.
void lapic_init(void)
{
    wrmsr(X2APIC_SPURIOUS, SPURIOUS_APIC_ENABLE | T_SPURIOUS);
    wrmsr(X2APIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
    wrmsr(X2APIC_LVT_TIMER, LVT_TIMER_PERIODIC | T_TIMER);
    wrmsr(X2APIC_TIMER_INITIAL, TIMER_PERIOD);
}

// End of interrupt: lets the APIC deliver the next one of equal or lower priority.
void lapic_eoi(void)
{
    wrmsr(X2APIC_EOI, 0);
}

u32 lapic_id(void)
{
    return (u32)rdmsr(X2APIC_ID);
}

// This CPU's struct cpu without trusting GS.base: NMI and #DF may arrive
// while GS holds the user's base.
struct cpu *this_cpu(void)
{
    return &cpus[lapic_id() % NCPU];
}

// ICR (SDM 11.12.9): in x2APIC mode one 64-bit write, destination in 63:32.
// A WRMSR to an x2APIC register is not serializing (SDM 11.12.3): without the
// barrier the IPI could overtake our last stores (the mailbox, a task state).
void lapic_send_ipi(u32 dest, u64 mode_and_vector)
{
    smp_mb();
    wrmsr(X2APIC_ICR, ((u64)dest << 32) | ICR_LEVEL_ASSERT | mode_and_vector);
}

void lapic_nmi_others(void)
{
    smp_mb();
    wrmsr(X2APIC_ICR, ICR_ALL_BUT_SELF | ICR_LEVEL_ASSERT | ICR_NMI);
}
