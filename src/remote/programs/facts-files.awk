# The facts' one awk for the sections that need a program (src/remote/programs/facts.sh): the
# package database (@@packages, with the pppd package's version as ppp=), @@pppd-version, and the
# managed files; facts-log.awk, appended to it, adds the running pppds' @@pppd sections.
#
# Packages: PKGDB is opkg/ipkg's status file (stanzas of Package:/Version:/Status:) or apk's
# installed database (P:/V: lines). pppd's version comes from the package that installs it (ppp
# or ppp-multilink, whose version is pppd's own); only when no package tells it, pppd itself is
# asked (`pppd --version`, its first 5 lines, each capped at 200 characters).
#
# Files: stdin holds "#S" then five lines per path (type, path, path under $R, link target,
# target under $R when a regular file), "#L" ls -ldn lines, "#M" md5sum lines. Content is sent
# when awk's lines add up to the file's size; the parser then checks it against the md5, which
# catches what awk cannot see (a NUL cuts busybox awk's line short, or is kept by gawk): a file
# whose content does not hash to its md5, or holds a NUL, is reported without content. Only a
# file without an md5 (md5sum missing) pays for its own NUL count.
# Variables (-v): MAXC (a file's content limit), MAXT (all files' content together, 0: none), sq (a single quote), PM, PKGDB, PPPD; LOGN and MSGS for facts-log.awk.
function emit(s) { OUT = OUT s "\n" }
function pkgdone() {
  if (st == "installed" && p != "") { NAMES[++np] = p; if (p == "ppp" || p == "ppp-multilink") pv = v }
  p = ""; v = ""; st = ""
}
function packages(   l, a, i) {
  np = 0; pv = ""; p = ""; v = ""; st = ""
  if (PKGDB != "") {
    while ((getline l < PKGDB) > 0) {
      if (PM == "apk") {
        if (substr(l, 1, 2) == "P:") { p = substr(l, 3); NAMES[++np] = p }
        else if (substr(l, 1, 2) == "V:" && (p == "ppp" || p == "ppp-multilink")) pv = substr(l, 3)
      } else if (l ~ /^Package:/) { pkgdone(); split(l, a, " "); p = a[2] }
      else if (l ~ /^Version:/) { split(l, a, " "); v = a[2] }
      else if (l ~ /^Status:/) { split(l, a, " "); st = a[4] }
    }
    close(PKGDB)
    if (PM != "apk") pkgdone()
  }
  emit("@@packages")
  if (pv != "") emit("ppp=" pv)
  for (i = 1; i <= np; i++) emit("|" NAMES[i])
}
function pppdversion(   cmd, l, k) {
  emit("@@pppd-version")
  emit("pppd=" (PPPD != "" ? 1 : 0))
  if (PPPD == "" || pv != "") return
  cmd = q(PPPD) " --version 2>&1 </dev/null"; k = 0
  while (k < 5 && (cmd | getline l) > 0) { emit("|" substr(l, 1, 200)); k++ }
  close(cmd)
}
BEGIN { packages(); pppdversion(); livepppds() }
function lsof(f,   i, l) {
  for (i = 1; i <= nls; i++) {
    l = LS[i]
    if (substr(l, 1, 1) == "l") { if (index(l, " " f " -> ")) return l }
    else if (length(l) > length(f) && substr(l, length(l) - length(f)) == " " f) return l
  }
  return ""
}
function size(l,   a) { split(l, a, " "); return a[5] }
function q(s,   o, i, c) {
  o = sq
  for (i = 1; i <= length(s); i++) { c = substr(s, i, 1); o = o (c == sq ? sq "\\" sq sq : c) }
  return o sq
}
function content(f, l,   s, r, cmd, t, nn, x, i) {
  emit("md5=" MD[f])
  s = size(l)
  if (s !~ /^[0-9]+$/) { emit("content=binary"); return }
  if (s + 0 >= MAXC + 0 || (MAXT + 0 > 0 && SENT + s > MAXT + 0)) { emit("content=too-large"); return }
  if (MD[f] == "") {
    r = ""; cmd = "tr -d " sq "\\000" sq " <" q(f) " | wc -c"
    cmd | getline r; close(cmd)
    if (r + 0 != s + 0) { emit("content=binary"); return }
  }
  t = 0; nn = 0
  while ((getline x < f) > 0) { B[++nn] = x; t += length(x) + 1 }
  close(f)
  if (t == s + 0) nl = 1
  else if (t == s + 1) nl = 0
  else { emit("content=binary"); return }
  SENT += s
  emit("content=text"); emit("nl=" nl)
  for (i = 1; i <= nn; i++) emit("|" B[i])
}
# The syslog comes last: none of its lines is a section mark.
sec == "#G" { glines++; take($0); next }
sec == "#S" && k > 0 {
  k++
  if (k == 2) P[n] = $0; else if (k == 3) F[n] = $0; else if (k == 4) TG[n] = $0; else { TF[n] = $0; k = 0 }
  next
}
$0 == "#S" || $0 == "#L" || $0 == "#M" || $0 == "#G" { sec = $0; next }
sec == "#S" { if ($0 != "") { T[++n] = $0; k = 1 }; next }
sec == "#L" { LS[++nls] = $0; next }
sec == "#M" { if (substr($0, 33, 2) == "  ") MD[substr($0, 35)] = substr($0, 1, 32); next }
END {
  for (i = 1; i <= n; i++) {
    emit("@@file " P[i]); emit("type=" T[i])
    if (T[i] == "missing") continue
    l = lsof(F[i]); emit("ls=" l)
    if (T[i] == "symlink") {
      emit("target=" TG[i])
      if (TF[i] != "") { l = lsof(TF[i]); emit("tls=" l); content(TF[i], l) }
    } else if (T[i] == "file") content(F[i], l)
  }
  pppdsections()
  printf "%s", OUT
}
