# pppd option parser for the pppd stand-in (busybox awk).
# Reads /etc/ppp/options, then the command line, following "file" and "call" like pppd,
# with pppd's word rules (quotes, backslash escapes, '#' comments at a word start).
# Emits shell assignments O_<option>='value' for eval, "DUMP ..." lines for the dump
# option, and on error a single line "ERR <exit status> <message>".
# Environment: PPPVER (2.4.3 | 2.4.7 | 2.4.9 | 2.5.1 | 2.5.2), DIALECT (mppc | upstream), PLUGINDIR.

# One line per assignment, whatever the value holds: a newline becomes '"$NL"' (pppd's shell
# defines NL), so the stand-in can read the assignments line by line.
function shq(s) { gsub(/'/, "'\\''", s); gsub(/\n/, "'\"$NL\"'", s); return "'" s "'" }

function fail(code, msg) { print "ERR " code " " msg; failed = 1; exit code }

# read a whole file into words[]; returns word count, -1 when the file can't be opened
function readwords(path, words,   line, text, n, i, c, w, inword, q, nx, rc) {
	text = ""
	while ((rc = (getline line < path)) > 0) text = text line "\n"
	if (rc < 0) return -1
	close(path)
	n = 0; w = ""; inword = 0; q = ""
	for (i = 1; i <= length(text); i++) {
		c = substr(text, i, 1)
		if (q == "" && !inword && c == "#") {
			while (i <= length(text) && substr(text, i, 1) != "\n") i++
			continue
		}
		if (c == "\\") {
			nx = substr(text, ++i, 1)
			if (nx == "\n") continue
			else if (nx == "n") w = w "\n"
			else if (nx == "r") w = w "\r"
			else if (nx == "t") w = w "\t"
			else if (nx == "s") w = w " "
			else if (nx == "f") w = w "\f"
			else if (nx == "b") w = w "\b"
			else w = w nx
			inword = 1
			continue
		}
		if (q != "") {
			if (c == q) q = ""
			else w = w c
			continue
		}
		if (c == "\"" || c == "'") { q = c; inword = 1; continue }
		if (c == " " || c == "\t" || c == "\n" || c == "\r") {
			if (inword) { words[++n] = w; w = ""; inword = 0 }
			continue
		}
		w = w c; inword = 1
	}
	if (q != "") { words[++n] = w; inword = 0 }
	if (inword) words[++n] = w
	return n
}

function known(name) {
	if (name in ARG0) return 0
	if (name in ARG1) return 1
	if (DIALECT == "mppc" && (name in MPPC0)) return 0
	if (DIALECT == "mppc" && name == "mppe") return 1
	if (DIALECT == "upstream" && (name in UP0)) return 0
	if (pptp_loaded && (name in PPTP1)) return 1
	return -1
}

function setopt(name, value, src,   v) {
	v = name; gsub(/-/, "_", v); gsub(/\+/, "plus_", v)
	out[v] = value
	if (!(v in seen)) order[++norder] = v
	seen[v] = 1
	dumpsrc[v] = src; dumpval[v] = (value == "1" ? "" : value)
	dumpname[v] = name
}

# process words[from..to] coming from src; file is the file name or "" for the command line
function process(words, n, src, file, depth,   i, w, na, arg, sub_words, m, path, msg) {
	if (depth > 20) fail(2, "options files nested too deeply")
	for (i = 1; i <= n; i++) {
		w = words[i]
		if (file == "" && w == "--version") { print "VERSION"; exit 0 }
		if (w ~ /^[0-9.]*:[0-9.]*$/ && w != ":") { setopt("ipaddrs", w, src); continue }
		if (w ~ /^\/dev\//) { setopt("device", w, src); continue }
		na = known(w)
		if (na < 0) {
			if (file != "") fail(2, "In file " file ": unrecognized option '" w "'")
			fail(2, "unrecognized option '" w "'")
		}
		arg = "1"
		if (na == 1) {
			if (i + 1 > n) {
				if (file != "") fail(2, "In file " file ": too few parameters for option '" w "'")
				fail(2, "too few parameters for option " w)
			}
			arg = words[++i]
		}
		if (w == "file" || w == "call") {
			if (w == "call") {
				if (arg ~ /\.\./ || arg ~ /^\//) fail(2, "call option value may not contain .. or start with /")
				path = "/etc/ppp/peers/" arg
				setopt("call", arg, src)
			} else path = arg
			delete sub_words
			m = readwords(path, sub_words)
			if (m < 0) fail(2, "Can't open options file " path ": No such file or directory")
			process(sub_words, m, path, path, depth + 1)
			continue
		}
		if (w == "plugin") {
			path = arg
			if (path !~ /^\//) path = PLUGINDIR "/" arg
			if ((getline msg < path) < 0) {
				print "PLUGINERR " path ": cannot open shared object file: No such file or directory"
				fail(2, "Couldn't load plugin " arg)
			}
			close(path)
			if (arg ~ /pptp\.so$/) pptp_loaded = 1
			print "PLUGIN " arg
		}
		if (w == "mppe") {
			m = split(arg, sub_words, ",")
			for (k = 1; k <= m; k++) if (sub_words[k] !~ /^(required|stateless|no40|no56|no128|on|off)$/) fail(2, "mppe: unknown option '" sub_words[k] "'")
		}
		if (w == "require-mppe" || w == "+mppe" || w == "require-mppe-128" || w == "+mppe-128" || w == "require-mppe-40" || w == "+mppe-40") setopt("mppe_required_upstream", "1", src)
		# where log messages go: the last of logfile / logfd / nolog wins (pppd's priority group)
		if (w == "logfd" && arg !~ /^[0-9]+$/) fail(2, "invalid numeric parameter '" arg "' for logfd option")
		if (w == "logfile") setopt("_logto", "file:" arg, src)
		else if (w == "logfd") setopt("_logto", "fd:" arg, src)
		else if (w == "nolog" || w == "nologfd") setopt("_logto", "none", src)
		setopt(w, arg, src)
	}
}

BEGIN {
	PPPVER = ENVIRON["PPPVER"]; DIALECT = ENVIRON["DIALECT"]; PLUGINDIR = ENVIRON["PLUGINDIR"]
	split("debug nodetach updetach persist nopersist demand defaultroute nodefaultroute replacedefaultroute " \
		"noipdefault usepeerdns noauth auth refuse-pap refuse-chap refuse-mschap refuse-mschap-v2 refuse-eap " \
		"require-pap require-chap require-mschap require-mschap-v2 require-eap nobsdcomp nodeflate noccp novj " \
		"novjccomp noaccomp nopcomp nocrtscts crtscts lock nolock dump dryrun passive silent local modem " \
		"noproxyarp proxyarp ktune nomagic nomultilink multilink default-asyncmap noip noipv6 +ipv6 " \
		"ipcp-accept-local ipcp-accept-remote show-password noendpoint nodefaultroute6 -d -detach " \
		"ipcp-no-addresses ipcp-no-address hide-password noipx nolog nologfd", tmp, " ")
	for (k in tmp) ARG0[tmp[k]] = 1
	split("name user password remotename file call pty plugin ipparam linkname idle maxfail holdoff " \
		"lcp-echo-interval lcp-echo-failure lcp-max-configure lcp-restart lcp-max-terminate lcp-max-failure " \
		"mtu mru unit logfile logfd connect disconnect asyncmap ms-dns ms-wins connect-delay maxconnect netmask " \
		"remotenumber chap-restart chap-max-challenge chap-interval ipcp-restart ipcp-max-configure " \
		"ipcp-max-failure ipcp-max-terminate kdebug init welcome speed escape mpshortseq ip-up-script ip-down-script", tmp, " ")
	for (k in tmp) ARG1[tmp[k]] = 1
	# OpenWrt's patch 320-custom_iface_names (every OpenWrt ppp since 2.4.5); not White Russian's 2.4.3
	if (PPPVER ~ /^2\.[45]\.[5-9]|^2\.5/) ARG1["ifname"] = 1
	# OpenWrt's ppp patches that netifd's ppp.sh relies on (not in White Russian's 2.4.3):
	# 120-debian_ipv6_updown_option, 121-debian_adaptive_lcp_echo, 310-precompile_filter
	if (PPPVER ~ /^2\.[45]\.[5-9]|^2\.5/) {
		ARG1["ipv6-up-script"] = 1; ARG1["ipv6-down-script"] = 1; ARG1["precompiled-active-filter"] = 1
		ARG0["lcp-echo-adaptive"] = 1
	}
	# MPPE-MPPC patched pppd (White Russian, OpenWrt <= 23.05): "mppe required,stateless", "mppc"
	split("mppc nomppc nomppe accept-mppe refuse-mppe", tmp, " ")
	for (k in tmp) MPPC0[tmp[k]] = 1
	# upstream ppp 2.4.2+ / 2.5 MPPE options
	split("require-mppe +mppe nomppe -mppe require-mppe-40 +mppe-40 nomppe-40 -mppe-40 require-mppe-128 " \
		"+mppe-128 nomppe-128 -mppe-128 mppe-stateful nomppe-stateful", tmp, " ")
	for (k in tmp) UP0[tmp[k]] = 1
	split("pptp_server pptp_window pptp_phone", tmp, " ")
	for (k in tmp) PPTP1[tmp[k]] = 1

	n = readwords("/etc/ppp/options", w1)
	if (n > 0) process(w1, n, "/etc/ppp/options", "/etc/ppp/options", 0)
	for (k = 1; k < ARGC; k++) cl[k] = ARGV[k]
	process(cl, ARGC - 1, "command line", "", 0)
	for (k = 1; k <= norder; k++) {
		v = order[k]
		print "O_" v "=" shq(out[v])
		if (v ~ /^_/) continue
		if (v != "password") print "DUMP " dumpname[v] (dumpval[v] == "" ? "" : " " dumpval[v]) "\t\t# (from " dumpsrc[v] ")"
		else print "DUMP password ??????\t\t# (from " dumpsrc[v] ")"
	}
}
