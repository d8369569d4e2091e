# The running pppds' @@pppd sections, for the facts' one awk (facts-files.awk, which this
# program is appended to): for each, the last LOGN lines of its captured output (if it has one)
# and of its syslog lines matching "pppd[PID]". The syslog is the "#G" section of stdin
# (logread's output, read once for all of them); when logread printed nothing (no logread, or
# syslogd writing to a file instead of its ring buffer), it is MSGS, /var/log/messages. With
# captured output, syslog lines lose their "date host pppd[PID]: " prefix like the captured
# lines never had it.
# Keepalive chatter is left out: with `debug` (in OpenWrt's own /etc/ppp/options) pppd logs every
# LCP echo it sends and answers, so an idle link's last lines would be nothing else and hide how
# it came up; a dead link still says so at notice level ("No response to N echo-requests").
# Variables (-v): LOGN, MSGS; environment: LIVE, a line per running pppd: name, pid, interface,
# "ifname" when its pid file is named by interface, its captured output file (tab-separated).
function livepppds(   recs, f, i) {
  nlive = split(ENVIRON["LIVE"], recs, "\n"); nl0 = 0
  for (i = 1; i <= nlive; i++) {
    if (recs[i] == "") continue
    split(recs[i], f, "\t"); nl0++
    LNAME[nl0] = f[1]; LPID[nl0] = f[2]; LIF[nl0] = f[3]; LBY[nl0] = f[4]; LOUT[nl0] = f[5]
    LPAT[nl0] = "pppd[" f[2] "]"; LM[nl0] = 0
  }
  nlive = nl0; logn = LOGN + 0; glines = 0
}
# take(S): S, a syslog line, kept in the ring of every running pppd whose tag it carries.
function take(s,   k, t) {
  if (index(s, "[LCP Echo")) return
  for (k = 1; k <= nlive; k++) {
    if (!index(s, LPAT[k])) continue
    t = s
    if (LOUT[k] != "") sub(/^.*pppd\[[0-9]*\]: ?/, "", t)
    LC[k, LM[k] % logn] = t; LM[k]++
  }
}
function pppdsections(   k, l, n, i) {
  if (glines == 0 && nlive > 0 && MSGS != "") { while ((getline l < MSGS) > 0) take(l); close(MSGS) }
  for (k = 1; k <= nlive; k++) {
    emit("@@pppd " LNAME[k]); emit("pid=" LPID[k]); emit("iface=" LIF[k]); emit("alive=1")
    if (LBY[k] == "ifname") emit("by=ifname")
    if (LOUT[k] != "") {
      n = 0
      while ((getline l < LOUT[k]) > 0) { LB[n % logn] = l; n++ }
      close(LOUT[k])
      for (i = (n > logn ? n - logn : 0); i < n; i++) emit("|" LB[i % logn])
      emit("|")
    }
    for (i = (LM[k] > logn ? LM[k] - logn : 0); i < LM[k]; i++) emit("|" LC[k, i % logn])
  }
}
