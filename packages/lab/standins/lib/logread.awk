# logread's work (packages/lab/standins/bin/logread execs it): the syslog ring of the router.
# Everything happens in BEGIN: the arguments are logread's options, not files to read.
BEGIN {
	STATE = "/lab/state"; SYSLOG = STATE "/syslog"
	fw = "openwrt"
	if ((getline fw < "/lab/firmware") <= 0) fw = "openwrt"
	close("/lab/firmware")
	wr = (fw == "whiterussian")
	n = ""; pattern = ""; havepat = 0; follow = 0
	for (i = 1; i < ARGC; i++) {
		a = ARGV[i]
		if (a == "-f") follow = 1
		else if ((a == "-l" || a == "-e") && !wr) {
			if (a == "-l") n = ARGV[++i] + 0
			else { pattern = ARGV[++i]; havepat = 1 }
		} else {
			sub(/^-/, "", a)
			printf "logread: invalid option -- %s\n", a > "/dev/stderr"
			exit 1
		}
	}
	# The log is a ring buffer: ubox logd keeps 64 KB by default, busybox syslogd -C 16 KB. Older
	# records are gone; the oldest kept one may be cut, so it is dropped: a record is shown when it
	# starts after the first byte of the newest RING bytes (as `tail -c RING | sed 1d` shows them).
	# A record is a line, with the lines after it that do not start with logd's ctime stamp: a
	# multi-line message is one logd entry, prefixed once (see lab_log in common.sh). logd drops
	# and -l counts whole entries; -e matches an entry as a whole.
	RING = wr ? 16384 : 65536
	STAMP = "^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] [0-9][0-9][0-9][0-9] "
	total = 0; head = 1; last = 0
	while ((getline line < SYSLOG) > 0) {
		if (!wr && last > 0 && line !~ STAMP) {
			# (the rest of an entry the ring dropped goes with it)
			if (last >= head) L[last] = L[last] "\n" line
		} else {
			last++; L[last] = line; OFF[last] = total
		}
		total += length(line) + 1
		while (total > RING && head <= last && OFF[head] <= total - RING) { delete L[head]; delete OFF[head]; head++ }
	}
	close(SYSLOG)
	if (last == 0) printf "" >> SYSLOG
	# -e keeps the records matching the extended regular expression, -l N the last N of those.
	k = 0
	for (j = head; j <= last; j++) if (!havepat || L[j] ~ pattern) M[++k] = L[j]
	first = (n != "" && n < k) ? k - n + 1 : 1
	for (j = first; j <= k; j++) print M[j]
	fflush()
	if (follow) system("exec tail -n 0 -f " SYSLOG)
	exit 0
}
