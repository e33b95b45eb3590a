// Turning the machine off and resetting it, through the ports of GUEST-INTERFACE.md.
#include "defs.h"
#include "x86.h"
#include "ports.h"

void power_off(void)
{
    kprintf("reboot: Power down\n");
    cli();
    outw(PORT_POWER_OFF, POWER_OFF_VALUE);
    for (;;)
        hlt();
}

void machine_reset(void)
{
    kprintf("reboot: Restarting system\n");
    cli();
    outb(PORT_RESET, RESET_VALUE);
    for (;;)
        hlt();
}
