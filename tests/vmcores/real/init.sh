#!/bin/busybox sh
# /init of the initramfs built by tests/vmcores/real/prepare.sh (busybox-static, arm64).
# Starts the KVM program, sends its ground truth to the console between markers
# (base64 of a tar.gz, so kernel messages cannot corrupt it unnoticed), prints
# S2REAL-READY and stays up with the guests live until the host dumps the machine.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /dev/hugepages && mount -t hugetlbfs hugetlbfs /dev/hugepages
echo 1 >/proc/sys/kernel/printk_ratelimit 2>/dev/null
dmesg -n 1

echo "s2real: kernel $(uname -r), cmdline: $(cat /proc/cmdline)"

# The capture kernel (kexec -p after the panic): copy /proc/vmcore to the disk.
if [ -e /proc/vmcore ]; then
	size=$(stat -c %s /proc/vmcore)
	echo "S2REAL-CAPTURE: /proc/vmcore is $size bytes"
	insmod /lib/modules/virtio_blk.ko
	i=0
	while [ ! -b /dev/vda ] && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
	src=/proc/vmcore
	if grep -q 's2real.makedumpfile' /proc/cmdline; then
		# as customers' kdump does: makedumpfile -d 31, compressed; the -i file
		# works around makedumpfile's refusal of 4K-page VA_BITS=52 kernels
		if /bin/s2real-kvm --vmcoreinfo-48 /proc/vmcore /tmp/vmcoreinfo.48 &&
			/usr/lib/ld-linux-aarch64.so.1 --library-path /usr/lib/aarch64-linux-gnu /usr/bin/makedumpfile \
				--message-level 22 -i /tmp/vmcoreinfo.48 -d 31 -c /proc/vmcore /tmp/dump >/tmp/md.log 2>&1; then
			src=/tmp/dump
			size=$(stat -c %s $src)
			echo "S2REAL-CAPTURE: makedumpfile -d 31 -c wrote $size bytes"
		else
			echo "S2REAL-CAPTURE-FAILED: makedumpfile: $(grep -v '^$' /tmp/md.log | tail -8 | tr '\n' ' ')"
			poweroff -f
		fi
	fi
	if dd if=$src of=/dev/vda bs=1M conv=fsync 2>/tmp/dd.err; then
		sync
		echo "S2REAL-CAPTURE-DONE $size"
	else
		echo "S2REAL-CAPTURE-FAILED: $(cat /tmp/dd.err)"
	fi
	poweroff -f
fi
insmod /lib/modules/qemu_fw_cfg.ko || echo "s2real: insmod qemu_fw_cfg failed (no VMCOREINFO in QEMU dumps)"
# 32 MiB of PMD-sized hugetlb pages: 16 of 2 MiB with 4K pages; on a 16K-page
# kernel (32 MiB pages) 2, what the KVM program maps (16 would pin 512 MiB)
hp_kb=$(sed -n 's/^Hugepagesize: *\([0-9]*\) kB/\1/p' /proc/meminfo)
hp_n=$((32768 / ${hp_kb:-2048}))
[ $hp_n -ge 2 ] || hp_n=2
echo $hp_n >/proc/sys/vm/nr_hugepages
echo always >/sys/kernel/mm/transparent_hugepage/enabled
mkdir -p /truth
{
	uname -r
	cat /proc/cmdline
	echo "nr_hugepages $(cat /proc/sys/vm/nr_hugepages)"
	echo "thp $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
	dmesg | grep -i -E 'kvm|hyp|VHE|NV2' | head -20
} >/truth/machine.txt 2>&1

/bin/s2real-kvm /truth >/truth/kvm.log 2>&1 &
i=0
while [ ! -e /truth/READY ] && [ $i -lt 900 ]; do
	sleep 1
	i=$((i + 1))
	kill -0 $! 2>/dev/null || break
done
cat /truth/kvm.log
ls /sys/kernel/debug/kvm >/truth/debugfs.txt 2>&1
for d in /sys/kernel/debug/kvm/*-*; do
	[ -d "$d" ] && echo "$d: $(ls "$d" | tr '\n' ' ')"
done >>/truth/debugfs.txt 2>&1
grep -E 'MemTotal|AnonHuge|HugePages_' /proc/meminfo >>/truth/machine.txt
# Live mode (run.sh --live): s2dump itself (the arm64 CLI, appended to the
# initramfs under /opt/s2dump) against /proc/kcore while the guests run; the
# vmlinux comes on a read-only virtio disk of s2real.vmlinux_size bytes.
if [ -e /truth/READY ] && grep -q 's2real.live' /proc/cmdline; then
	mkdir -p /truth/live
	size=$(sed -n 's/.*s2real.vmlinux_size=\([0-9]*\).*/\1/p' /proc/cmdline)
	insmod /lib/modules/virtio_blk.ko
	i=0
	while [ ! -b /dev/vda ] && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
	head -c "$size" /dev/vda >/tmp/vmlinux
	s2dump() { /opt/s2dump/lib/ld-linux-aarch64.so.1 --library-path /opt/s2dump/lib /opt/s2dump/bin/s2dump "$@"; }
	for c in "default|" "verbose|-v" "nested|nesteds2 list"; do
		name=${c%%|*}
		s2dump -s /tmp/vmlinux ${c#*|} >/truth/live/$name.txt 2>/truth/live/$name.err
		echo $? >/truth/live/$name.rc
	done
	# run.sh --live-drgn: the drgn front end on the live kernel (no -c: drgn
	# opens /proc/kcore): Debian 12's arm64 Python and drgn 0.0.22 under
	# /opt/s2dump/py (outputs drgn-*), sid's Python 3.14 and drgn 0.3.0 under
	# /opt/s2dump/py030 with its own ld.so and libraries (outputs drgn030-*)
	for pre in drgn drgn030; do
		grep -q 's2real.drgn' /proc/cmdline || break
		case $pre in
		drgn) pyd=/opt/s2dump/py pybin=/opt/s2dump/py/bin/python3.11 sod=/opt/s2dump/lib ;;
		*) pyd=/opt/s2dump/py030 pybin=/opt/s2dump/py030/bin/python3 sod=/opt/s2dump/py030/so ;;
		esac
		[ -x "$pybin" ] || continue
		drgn_k() {
			PYTHONHOME=$pyd PYTHONPATH=$pyd/lib/python3/dist-packages \
				$sod/ld-linux-aarch64.so.1 --library-path $sod \
				$pybin -m drgn -q -s /tmp/vmlinux "$@"
		}
		drgn_s2() { drgn_k $pyd/share/s2dump.py "$@"; }
		# what drgn itself opened: the live kernel, and which; then drgn's version
		echo 'import drgn; print("live", bool(prog.flags & drgn.ProgramFlags.IS_LIVE), prog["UTS_RELEASE"].string_().decode()); print(drgn.__version__)' >/tmp/live.py
		drgn_k /tmp/live.py >/truth/live/$pre-program.txt 2>&1
		for c in "default|" "verbose|s2dump -v" "nested|nesteds2 list"; do
			name=$pre-${c%%|*}
			t0=$(date +%s)
			drgn_s2 ${c#*|} >/truth/live/$name.txt 2>/truth/live/$name.err
			echo $? >/truth/live/$name.rc
			echo "$name $(($(date +%s) - t0)) s" >>/truth/live/$pre-seconds.txt
		done
	done
	# run.sh --live-drgn-gdb: the gdb front end on the live kernel (`gdb vmlinux /proc/kcore`),
	# Debian 12's arm64 gdb under /opt/s2dump/gdb, the same commands in one gdb session
	if grep -q 's2real.gdb' /proc/cmdline && [ -x /opt/s2dump/gdb/bin/gdb ]; then
		printf 'gdb-default\ts2dump\ngdb-verbose\ts2dump -v\ngdb-nested\tnesteds2 list\n' >/tmp/gdb.cmds
		t0=$(date +%s)
		PYTHONHOME=/opt/s2dump/py S2_GDB_CMDS=/tmp/gdb.cmds S2_GDB_OUT=/truth/live \
			/opt/s2dump/lib/ld-linux-aarch64.so.1 --library-path /opt/s2dump/lib /opt/s2dump/gdb/bin/gdb \
			--data-directory=/opt/s2dump/gdb/share/gdb -nx -batch -ex "file /tmp/vmlinux" \
			-ex "core-file /proc/kcore" -ex "source /opt/s2dump/gdb/share/s2dump/s2dump-gdb.py" \
			-ex "python print('gdb-live', _sessions.get() is not None and _sessions.host.live, hex(_sessions.host.delta))" \
			-ex "source /opt/s2dump/gdb/share/run_commands.py" >/truth/live/gdb.log 2>&1
		echo $? >/truth/live/gdb.rc
		echo "gdb $(($(date +%s) - t0)) s" >/truth/live/gdb-seconds.txt
	fi
	rm -f /tmp/vmlinux
	echo "s2real: live s2dump: $(cat /truth/live/*.rc | tr '\n' ' ')"
fi
if [ -e /truth/READY ]; then
	# run.sh --sveshift: a task with SVE live at a long vector length spins on
	# one CPU while QEMU dumps (s2real.svespin=CPU:VL)
	spin=$(sed -n 's/.*s2real.svespin=\([0-9]*:[0-9]*\).*/\1/p' /proc/cmdline)
	if [ -n "$spin" ]; then
		/bin/s2real-kvm --sve-spin "${spin%%:*}" "${spin#*:}" >/truth/svespin.log 2>&1 &
		sleep 2
		cat /truth/svespin.log
	fi
	echo S2REAL-TRUTH-BEGIN
	tar -C /truth -cf - . | gzip -c | base64
	echo S2REAL-TRUTH-END
	echo S2REAL-READY
	if grep -q 's2real.kdump' /proc/cmdline; then
		# The customers' path: panic with the guests live; the capture kernel dumps.
		if /usr/lib/ld-linux-aarch64.so.1 --library-path /usr/lib/aarch64-linux-gnu /usr/sbin/kexec -p \
			/boot/vmlinuz --initrd=/boot/capture.cpio.gz \
			--append="console=ttyAMA0 rdinit=/init maxcpus=1 reset_devices cma=0 damon_stat.enabled=0 $(grep -o 's2real.makedumpfile' /proc/cmdline)"; then
			echo S2REAL-KEXEC-LOADED
			sleep 1
			echo c >/proc/sysrq-trigger
		else
			echo "S2REAL-FAILED: kexec -p did not load the capture kernel"
		fi
	fi
else
	echo "S2REAL-FAILED: the KVM program did not get ready"
fi
while :; do sleep 3600; done
