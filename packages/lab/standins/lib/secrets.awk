# Looks up a CHAP secret like pppd: words per line (pppd's quoting and escapes, '#' comments);
# fields client server secret [addresses]; '*' matches any client/server. Exact match wins.
# Prints the secret and exits 0, or exits 1 when none matches.
function words(line, w,   n, i, c, cur, inword, q, nx) {
	n = 0; cur = ""; inword = 0; q = ""
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (q == "" && !inword && c == "#") break
		if (c == "\\") {
			nx = substr(line, ++i, 1)
			if (nx == "n") cur = cur "\n"; else if (nx == "t") cur = cur "\t"; else if (nx == "s") cur = cur " "
			else if (nx == "f") cur = cur "\f"; else if (nx == "b") cur = cur "\b"; else if (nx == "r") cur = cur "\r"
			else cur = cur nx
			inword = 1; continue
		}
		if (q != "") { if (c == q) q = ""; else cur = cur c; continue }
		if (c == "\"" || c == "'") { q = c; inword = 1; continue }
		if (c == " " || c == "\t") { if (inword) { w[++n] = cur; cur = ""; inword = 0 } continue }
		cur = cur c; inword = 1
	}
	if (inword) w[++n] = cur
	return n
}
BEGIN { c = ENVIRON["SECRET_CLIENT"]; s = ENVIRON["SECRET_SERVER"] }
{
	delete f
	n = words($0, f)
	if (n < 3) next
	score = 0
	if (f[1] == c) score += 2; else if (f[1] != "*") next
	if (f[2] == s) score += 1; else if (f[2] != "*") next
	if (score > best || !found) { best = score; secret = f[3]; found = 1 }
}
END { if (!found) exit 1; printf "%s", secret; exit 0 }
