/*
 * Linker script of the fake vmlinux, preprocessed with -DKIMAGE_VADDR=... -DLOAD_PA=...
 * -DSTEXT_OFFSET=... (from <L>/layout.conf). Every output section is linked at its kimage VA
 * and loaded at LOAD_PA + (VA - KIMAGE_VADDR): p_vaddr = link VA, p_paddr = load PA.
 * Special sections are listed before .data so that they keep their own output sections.
 */
OUTPUT_ARCH(aarch64)
ENTRY(_text)

#define LMA(sec) AT(ADDR(sec) - KIMAGE_VADDR + LOAD_PA)

SECTIONS
{
	. = KIMAGE_VADDR;
	_text = .;
	.head.text : LMA(.head.text) { KEEP(*(.head.text)) }

	. = KIMAGE_VADDR + STEXT_OFFSET;
	.text : LMA(.text) {
		_stext = .;
		*(.text .text.*)
	}
	. = ALIGN(4096);
	_etext = .;

	.rodata : LMA(.rodata) { *(.rodata .rodata.*) }
	/* The build-id note in an output section of its own (an orphan would land at VA 0). */
	.notes : LMA(.notes) {
		__start_notes = .;
		KEEP(*(.note.gnu.build-id))
		__stop_notes = .;
	}

	. = ALIGN(4096);
	__init_begin = .;
	.init.text : LMA(.init.text) {
		_sinittext = .;
		KEEP(*(.init.text))
		_einittext = .;
	}
	. = ALIGN(4096);
	__init_end = .;

	. = ALIGN(4096);
	_sdata = .;
	.data..percpu : LMA(.data..percpu) {
		__per_cpu_load = .;
		__per_cpu_start = .;
		KEEP(*(.data..percpu))
		. = ALIGN(64);
		__per_cpu_end = .;
	}
	.data..swapper : LMA(.data..swapper) {
		KEEP(*(.data..swapper))
	}
	.data : LMA(.data) {
		*(.data .data.*)
	}
	_edata = .;

	. = ALIGN(4096);
	.bss : LMA(.bss) {
		__bss_start = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(4096);
		__bss_stop = .;
	}
	_end = .;

	jiffies = jiffies_64;

	/DISCARD/ : {
		*(.discard.s2l_anchors)
		*(.note.GNU-stack)
		*(.comment)
		*(.eh_frame)
	}
}
