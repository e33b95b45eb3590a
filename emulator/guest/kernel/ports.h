// I/O ports of the machine (GUEST-INTERFACE.md, "I/O ports").
#ifndef PORTS_H
#define PORTS_H

#define PORT_COM1 0x3f8         // 16550 UART: +0 THR/RBR, +5 LSR
#define UART_LSR 5
#define UART_LSR_DATA_READY 0x01
#define UART_LSR_THR_EMPTY 0x20
#define PORT_DEBUGCON 0xe9
#define PORT_TRACE 0x500        // outl(physical address of a trace record)
#define PORT_POWER_OFF 0x604    // outw(0x2000) turns the machine off
#define POWER_OFF_VALUE 0x2000
#define PORT_RESET 0xcf9        // outb(0x06) resets the machine
#define RESET_VALUE 0x06

#endif
