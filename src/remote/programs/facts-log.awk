# The last LOGN lines of a pppd's captured output (file $PF_OUT, if set) and of its syslog lines
# matching "pppd[PID]", tail and framing in one process. The syslog is stdin (logread's output);
# when logread printed nothing (no logread, or syslogd writing to a file instead of its ring
# buffer), it is MSGS, /var/log/messages. With captured output, syslog lines lose their
# "date host pppd[PID]: " prefix like the captured lines never had it.
# Keepalive chatter is left out: with `debug` (in OpenWrt's own /etc/ppp/options) pppd logs every
# LCP echo it sends and answers, so an idle link's last lines would be nothing else and hide how
# it came up; a dead link still says so at notice level ("No response to N echo-requests").
# Variables (-v): LOGN, PID, MSGS; environment: PF_OUT.
function emit(s) { OUT = OUT s "\n" }
function take(s) { if (index(s, pat) && !index(s, "[LCP Echo")) { if (o != "") sub(/^.*pppd\[[0-9]*\]: ?/, "", s); C[m % n] = s; m++ } }
BEGIN {
  n = LOGN + 0; o = ENVIRON["PF_OUT"]; pat = "pppd[" PID "]"
  if (o != "") {
    k = 0
    while ((getline l < o) > 0) { B[k % n] = l; k++ }
    close(o)
    for (i = (k > n ? k - n : 0); i < k; i++) emit("|" B[i % n])
    emit("|")
  }
}
{ take($0) }
END {
  if (NR == 0 && MSGS != "") { while ((getline l < MSGS) > 0) take(l); close(MSGS) }
  for (i = (m > n ? m - n : 0); i < m; i++) emit("|" C[i % n])
  printf "%s", OUT
}
