# uci stand-in (busybox awk): the subset of OpenWrt's uci CLI a provisioning tool uses, with
# uci's lookup rules, output formats, delta files and error messages (openwrt/uci cli.c, list.c,
# util.c). One invocation runs one command line, or with "batch" every line of stdin.
#
# Model: /etc/config/PKG is parsed into sections (name, type, anonymous flag, ordered options;
# an option is a string or a list), then the pending changes in /tmp/.uci/PKG are replayed on
# top, like libuci does. Every change appends a delta line in uci's format
#   +pkg.sec=type (add)  pkg.sec[.opt]=value (set)  -pkg.sec[.opt] (delete)
#   |pkg.sec.opt=value (add_list)  ~pkg.sec.opt=value (del_list)
# and "commit" writes the package back in uci's export format and drops its deltas.
#
# Variables (-v): CONFDIR, SAVEDIR, QUIET (1 = -q), EXT (1 = @type[n] names in show), DELIM.
# Arguments: the command and its arguments.

function err(code,   msg) {
	msg = (code == "NOTFOUND") ? "Entry not found" : (code == "INVAL") ? "Invalid argument" : (code == "PARSE") ? "Parse error" : (code == "IO") ? "I/O error" : "Unknown error"
	if (!QUIET) printf "uci: %s%s\n", msg, ERRDETAIL > "/dev/stderr"
	ERRDETAIL = ""
}

function valid_name(s) { return s != "" && s !~ /[^A-Za-z0-9_]/ }
function valid_type(s) { return s != "" && s !~ /[^!-~]/ }

function q(v) { gsub(/'/, "'\\''", v); return "'" v "'" }

# ---- packages: P_loaded[pkg], sections S_* indexed by pkg SUBSEP i ----
function clear_pkg(p,   i, k) {
	for (i = 1; i <= NS[p]; i++) {
		k = p SUBSEP i
		delete SNAME[k]; delete STYPE[k]; delete SANON[k]; delete SDEL[k]
	}
	for (k in OVAL) if (index(k, p SUBSEP) == 1) { delete OVAL[k]; delete OLIST[k] }
	for (k in ONAMES) if (index(k, p SUBSEP) == 1) delete ONAMES[k]
	NS[p] = 0
	delete LOADED[p]
}

function hex4(s,   h, i) {
	h = 5381
	for (i = 1; i <= length(s); i++) h = (h * 33 + index(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~", substr(s, i, 1))) % 65536
	return sprintf("%04x", h)
}

function new_section(p, name, type, anon,   i, k) {
	i = ++NS[p]
	k = p SUBSEP i
	if (anon) name = sprintf("cfg%02x%s", i % 256, hex4(type i))
	SNAME[k] = name; STYPE[k] = type; SANON[k] = anon; SDEL[k] = 0
	ONAMES[k] = ""
	return i
}

function find_section(p, name,   i) {
	for (i = 1; i <= NS[p]; i++) if (!SDEL[p SUBSEP i] && SNAME[p SUBSEP i] == name) return i
	return 0
}

# option storage: OVAL[p,i,o] = string or list joined by "\001"; OLIST[p,i,o] = 1 for lists
function has_opt(p, i, o) { return ((p SUBSEP i SUBSEP o) in OVAL) }
function set_opt(p, i, o, v, islist,   k) {
	k = p SUBSEP i SUBSEP o
	if (!(k in OVAL)) ONAMES[p SUBSEP i] = ONAMES[p SUBSEP i] "\001" o
	OVAL[k] = v; OLIST[k] = islist
}
function del_opt(p, i, o,   k, n, a, j, out) {
	k = p SUBSEP i SUBSEP o
	delete OVAL[k]; delete OLIST[k]
	n = split(ONAMES[p SUBSEP i], a, "\001"); out = ""
	for (j = 2; j <= n; j++) if (a[j] != o) out = out "\001" a[j]
	ONAMES[p SUBSEP i] = out
}

# ---- the config file parser (uci's file syntax) ----
# tokenize LINE into T[1..n]; returns n, -1 on an unterminated quote
function tokenize(line,   n, i, c, w, inw, qc) {
	n = 0; w = ""; inw = 0; qc = ""
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (qc != "") {
			if (c == qc) qc = ""
			else if (c == "\\" && qc == "\"" && i < length(line)) { i++; w = w substr(line, i, 1) }
			else w = w c
			continue
		}
		if (c == "'" || c == "\"") { qc = c; inw = 1; continue }
		if (c == "#") break
		if (c == " " || c == "\t") { if (inw) { T[++n] = w; w = ""; inw = 0 } continue }
		if (c == "\\" && i < length(line)) { i++; w = w substr(line, i, 1); inw = 1; continue }
		w = w c; inw = 1
	}
	if (qc != "") return -1
	if (inw) T[++n] = w
	return n
}

function parse_error(file, lnum, why) {
	ERRDETAIL = " (" why ") at line " lnum ", byte 1"
	return 0
}

function load(p,   file, line, lnum, n, cur, rc) {
	if (p in LOADED) return 1
	if (!valid_type(p)) { ERR = "INVAL"; return 0 }
	# file.c uci_file_load: a name starting with "/" or "./" is a file outside the config dir,
	# loaded under its base name with has_delta false: no delta of any delta path is replayed
	# on it (what `uci show /etc/config/network` prints is the committed file).
	if (p ~ /^\.?\//) { file = p; NODELTA[p] = 1; PNAME[p] = p; sub(/.*\//, "", PNAME[p]) }
	else if (p ~ /^\./) { ERR = "NOTFOUND"; return 0 }
	else { file = CONFDIR "/" p; PNAME[p] = p }
	if ((getline line < file) < 0) { ERR = "NOTFOUND"; return 0 }
	close(file)
	clear_pkg(p)
	cur = 0; lnum = 0
	while ((rc = (getline line < file)) > 0) {
		lnum++
		delete T
		n = tokenize(line)
		if (n < 0) { close(file); ERR = "PARSE"; return parse_error(file, lnum, "unterminated quote") }
		if (n == 0) continue
		if (T[1] == "package") continue
		if (T[1] == "config") {
			if (n < 2 || n > 3 || !valid_type(T[2])) { close(file); ERR = "PARSE"; return parse_error(file, lnum, "invalid section type") }
			if (n == 3 && !valid_name(T[3])) { close(file); ERR = "PARSE"; return parse_error(file, lnum, "invalid section name") }
			if (n == 3 && (cur = find_section(p, T[3]))) STYPE[p SUBSEP cur] = T[2]
			else cur = new_section(p, T[3], T[2], n == 2)
			continue
		}
		if (T[1] == "option" || T[1] == "list") {
			if (!cur) { close(file); ERR = "PARSE"; return parse_error(file, lnum, "option/list command found before the first section") }
			if (n != 3 || !valid_name(T[2])) { close(file); ERR = "PARSE"; return parse_error(file, lnum, "invalid option name") }
			if (T[1] == "option") set_opt(p, cur, T[2], T[3], 0)
			else if (has_opt(p, cur, T[2]) && OLIST[p SUBSEP cur SUBSEP T[2]]) set_opt(p, cur, T[2], OVAL[p SUBSEP cur SUBSEP T[2]] "\001" T[3], 1)
			else set_opt(p, cur, T[2], T[3], 1)
			continue
		}
		close(file); ERR = "PARSE"; return parse_error(file, lnum, "invalid command")
	}
	close(file)
	LOADED[p] = 1
	if (!NODELTA[p]) replay(p)
	return 1
}

# ---- deltas ----
function delta_file(p) { return SAVEDIR "/" p }
function add_delta(p, line) {
	system("mkdir -p '" SAVEDIR "'")
	print line >> delta_file(p)
	close(delta_file(p))
}
function unq(v) { if (v ~ /^'.*'$/) { v = substr(v, 2, length(v) - 2); gsub(/'\\''/, "'", v) } return v }
function replay(p,   f, line, c, rest, eq, path, val, a, n, i) {
	f = delta_file(p)
	REPLAYING = 1
	while ((getline line < f) > 0) {
		c = substr(line, 1, 1)
		if (c == "+" || c == "-" || c == "|" || c == "~") rest = substr(line, 2); else { c = ""; rest = line }
		eq = index(rest, "="); path = eq ? substr(rest, 1, eq - 1) : rest; val = eq ? unq(substr(rest, eq + 1)) : ""
		n = split(path, a, ".")
		if (c == "+") { if (!find_section(p, a[2])) { i = new_section(p, a[2], val, 1); SNAME[p SUBSEP i] = a[2] } }
		else if (c == "-") apply_delete(p, a[2], a[3])
		else if (c == "|") apply_add_list(p, a[2], a[3], val)
		else if (c == "~") apply_del_list(p, a[2], a[3], val)
		else apply_set(p, a[2], a[3], val)
	}
	close(f)
	REPLAYING = 0
}

function apply_set(p, s, o, v,   i) {
	i = find_section(p, s)
	if (o == "") {
		if (i) STYPE[p SUBSEP i] = v; else new_section(p, s, v, 0)
		return
	}
	if (i) set_opt(p, i, o, v, 0)
}
function apply_delete(p, s, o,   i) {
	i = find_section(p, s)
	if (!i) return
	if (o == "") SDEL[p SUBSEP i] = 1
	else del_opt(p, i, o)
}
function apply_add_list(p, s, o, v,   i, k) {
	i = find_section(p, s); if (!i) return
	k = p SUBSEP i SUBSEP o
	if (k in OVAL) set_opt(p, i, o, OVAL[k] "\001" v, 1)
	else set_opt(p, i, o, v, 1)
}
function apply_del_list(p, s, o, v,   i, k, n, a, j, out, first) {
	i = find_section(p, s); if (!i) return
	k = p SUBSEP i SUBSEP o
	if (!(k in OVAL) || !OLIST[k]) return
	n = split(OVAL[k], a, "\001"); out = ""; first = 1
	for (j = 1; j <= n; j++) if (a[j] != v) { out = first ? a[j] : out "\001" a[j]; first = 0 }
	if (first) del_opt(p, i, o); else set_opt(p, i, o, out, 1)
}

# ---- pointers: PKG[.SECTION[.OPTION]][=VALUE] with @type[n] section references ----
# sets PP, PS (section index or 0), PSNAME, PO, PV, HASV; returns 1, or 0 with ERR set
function lookup(str,   eq, n, a, t, idx, i, cnt, m, mm) {
	PP = ""; PS = 0; PSNAME = ""; PO = ""; PV = ""; HASV = 0
	eq = index(str, "=")
	if (eq) { PV = substr(str, eq + 1); HASV = 1; str = substr(str, 1, eq - 1) }
	n = split(str, a, ".")
	if (n < 1 || n > 3 || a[1] == "") { ERR = "INVAL"; return 0 }
	PP = a[1]; PSNAME = a[2]; PO = a[3]
	if (n >= 2 && PSNAME == "") { ERR = "INVAL"; return 0 }
	if (n == 3 && !valid_name(PO)) { ERR = "INVAL"; return 0 }
	if (!load(PP)) return 0
	if (n < 2) return 1
	if (!valid_name(PSNAME)) {
		if (substr(PSNAME, 1, 1) != "@" || !match(PSNAME, /\[-?[0-9]+\]$/)) { ERR = "INVAL"; return 0 }
		t = substr(PSNAME, 2, RSTART - 2); idx = substr(PSNAME, RSTART + 1, RLENGTH - 2) + 0
		cnt = 0
		for (i = 1; i <= NS[PP]; i++) if (!SDEL[PP SUBSEP i] && STYPE[PP SUBSEP i] == t) cnt++
		if (idx < 0) idx += cnt
		if (idx < 0 || idx >= cnt) { ERR = "NOTFOUND"; return 0 }
		m = -1
		for (i = 1; i <= NS[PP]; i++) if (!SDEL[PP SUBSEP i] && STYPE[PP SUBSEP i] == t && ++m == idx) { PS = i; break }
		PSNAME = SNAME[PP SUBSEP PS]
		return 1
	}
	PS = find_section(PP, PSNAME)
	return 1
}

# ---- output ----
function show_value(k, quote,   n, a, j, s, v) {
	if (!OLIST[k]) return quote ? q(OVAL[k]) : OVAL[k]
	n = split(OVAL[k], a, "\001"); s = ""
	for (j = 1; j <= n; j++) {
		v = (quote || a[j] ~ /[ \t\r\n]/) ? q(a[j]) : a[j]
		s = (j == 1) ? v : s DELIM v
	}
	return s
}
function show_section(p, i, ref,   n, a, j, k) {
	k = p SUBSEP i
	print PNAME[p] "." ref "=" STYPE[k]
	n = split(ONAMES[k], a, "\001")
	for (j = 2; j <= n; j++) print PNAME[p] "." ref "." a[j] "=" show_value(k SUBSEP a[j], 1)
}
function show_package(p,   i, k, cnt, ref) {
	delete TCNT
	for (i = 1; i <= NS[p]; i++) {
		k = p SUBSEP i
		if (SDEL[k]) continue
		cnt = TCNT[STYPE[k]] + 0; TCNT[STYPE[k]] = cnt + 1
		ref = (SANON[k] && EXT) ? "@" STYPE[k] "[" cnt "]" : SNAME[k]
		show_section(p, i, ref)
	}
}
function export_package(p, out,   i, k, n, a, j, m, b, l) {
	printf "" > out
	for (i = 1; i <= NS[p]; i++) {
		k = p SUBSEP i
		if (SDEL[k]) continue
		printf "\nconfig %s", STYPE[k] > out
		if (!SANON[k]) printf " %s", q(SNAME[k]) > out
		printf "\n" > out
		n = split(ONAMES[k], a, "\001")
		for (j = 2; j <= n; j++) {
			if (OLIST[k SUBSEP a[j]]) {
				m = split(OVAL[k SUBSEP a[j]], b, "\001")
				for (l = 1; l <= m; l++) printf "\tlist %s %s\n", a[j], q(b[l]) > out
			} else printf "\toption %s %s\n", a[j], q(OVAL[k SUBSEP a[j]]) > out
		}
	}
	printf "\n" > out
	close(out)
}

# ---- commands; each returns the exit status uci would ----
function fail(code) { ERR = code; err(code); return 1 }

function cmd_show(argc, args,   i, cmd, f, list, n, names) {
	if (argc > 1) return 255
	if (argc == 0) {
		cmd = "ls '" CONFDIR "' 2>/dev/null"
		while ((cmd | getline f) > 0) names[++n] = f
		close(cmd)
		for (i = 1; i <= n; i++) if (load(names[i])) show_package(names[i]); else err(ERR)
		return 0
	}
	if (!lookup(args[1])) return fail(ERR)
	if (HASV) return 1
	if (PSNAME == "") { show_package(PP); return 0 }
	if (!PS) return fail("NOTFOUND")
	if (PO == "") { show_section(PP, PS, PSNAME); return 0 }
	if (!has_opt(PP, PS, PO)) return fail("NOTFOUND")
	print PNAME[PP] "." PSNAME "." PO "=" show_value(PP SUBSEP PS SUBSEP PO, 1)
	return 0
}

function cmd_get(argc, args) {
	if (argc != 1) return 255
	if (!lookup(args[1])) return fail(ERR)
	if (HASV) return 1
	if (PSNAME == "") return 0
	if (!PS) return fail("NOTFOUND")
	if (PO == "") { print STYPE[PP SUBSEP PS]; return 0 }
	if (!has_opt(PP, PS, PO)) return fail("NOTFOUND")
	print show_value(PP SUBSEP PS SUBSEP PO, 0)
	return 0
}

function cmd_set(argc, args,   k) {
	if (argc != 1) return 255
	if (!lookup(args[1])) return fail(ERR)
	if (!HASV || PSNAME == "") return fail("INVAL")
	# "" deletes; nothing to delete is no error (list.c uci_set)
	if (PV == "") { if (!PS || (PO != "" && !has_opt(PP, PS, PO))) return 0; return do_delete() }
	if (PO == "") {
		# a section's type is set (and a change recorded) even when it is the same
		if (!valid_type(PV)) return fail("INVAL")
		apply_set(PP, PSNAME, "", PV)
		add_delta(PP, PP "." PSNAME "=" q(PV))
		return 0
	}
	if (!PS) return fail("INVAL")
	k = PP SUBSEP PS SUBSEP PO
	if ((k in OVAL) && !OLIST[k] && OVAL[k] == PV) return 0
	set_opt(PP, PS, PO, PV, 0)
	add_delta(PP, PP "." PSNAME "." PO "=" q(PV))
	return 0
}

function do_delete() {
	if (!PS) return fail("NOTFOUND")
	if (PO != "" && !has_opt(PP, PS, PO)) return fail("NOTFOUND")
	apply_delete(PP, PSNAME, PO)
	add_delta(PP, "-" PP "." PSNAME (PO == "" ? "" : "." PO))
	return 0
}

function cmd_delete(argc, args,   k, n, a, j, out, first, idx) {
	if (argc != 1) return 255
	if (!lookup(args[1])) return fail(ERR)
	if (PSNAME == "") return fail("INVAL")
	if (HASV) {
		# delete CONFIG.SECTION.OPTION=INDEX removes one list item by position
		if (PV !~ /^-?[0-9]+$/) return 1
		if (!PS || PO == "" || !has_opt(PP, PS, PO)) return fail("NOTFOUND")
		k = PP SUBSEP PS SUBSEP PO
		n = split(OVAL[k], a, "\001"); idx = PV + 1
		if (!OLIST[k] || idx < 1 || idx > n) return fail("NOTFOUND")
		apply_del_list(PP, PSNAME, PO, a[idx])
		add_delta(PP, "~" PP "." PSNAME "." PO "=" q(a[idx]))
		return 0
	}
	return do_delete()
}

function cmd_list(argc, args, add,   k) {
	if (argc != 1) return 255
	if (!lookup(args[1])) return fail(ERR)
	if (!HASV || PO == "" || !PS) return fail("INVAL")
	if (add) {
		apply_add_list(PP, PSNAME, PO, PV)
		add_delta(PP, "|" PP "." PSNAME "." PO "=" q(PV))
	} else {
		# no such list: nothing recorded (list.c uci_del_list)
		if (!has_opt(PP, PS, PO) || !OLIST[PP SUBSEP PS SUBSEP PO]) return 0
		apply_del_list(PP, PSNAME, PO, PV)
		add_delta(PP, "~" PP "." PSNAME "." PO "=" q(PV))
	}
	return 0
}

function cmd_add(argc, args,   i) {
	if (argc != 2) return 255
	if (!load(args[1])) return fail(ERR)
	if (!valid_type(args[2])) return fail("INVAL")
	i = new_section(args[1], "", args[2], 1)
	add_delta(args[1], "+" args[1] "." SNAME[args[1] SUBSEP i] "=" q(args[2]))
	print SNAME[args[1] SUBSEP i]
	return 0
}

function pkg_names(argc, args, names,   cmd, f, n) {
	n = 0
	if (argc == 1) { names[1] = args[1]; return 1 }
	cmd = "ls '" SAVEDIR "' 2>/dev/null"
	while ((cmd | getline f) > 0) names[++n] = f
	close(cmd)
	return n
}

function cmd_changes(argc, args,   names, n, j, p, f, line, c, rest, eq) {
	if (argc > 1) return 255
	if (argc == 1 && !lookup(args[1])) return fail(ERR)
	n = pkg_names(argc, args, names)
	for (j = 1; j <= n; j++) {
		p = names[j]; f = delta_file(p)
		while ((getline line < f) > 0) {
			c = substr(line, 1, 1)
			rest = (c ~ /[-+|~]/) ? substr(line, 2) : line
			eq = index(rest, "=")
			if (c == "-") print "-" rest
			else if (c == "|") print substr(rest, 1, eq - 1) "+=" substr(rest, eq + 1)
			else if (c == "~") print substr(rest, 1, eq - 1) "-=" substr(rest, eq + 1)
			else print rest
		}
		close(f)
	}
	return 0
}

function cmd_commit(argc, args,   names, n, j, p, tmp) {
	if (argc > 1) return 255
	if (argc == 1 && !lookup(args[1])) return fail(ERR)
	n = pkg_names(argc, args, names)
	for (j = 1; j <= n; j++) {
		p = names[j]
		if (!load(p)) { err(ERR); continue }
		if ((getline tmp < delta_file(p)) <= 0) { close(delta_file(p)); continue }
		close(delta_file(p))
		tmp = CONFDIR "/." p ".uci-new"
		export_package(p, tmp)
		system("mv '" tmp "' '" CONFDIR "/" p "' && rm -f '" delta_file(p) "'")
	}
	return 0
}

function cmd_revert(argc, args,   f, tmp, line, pre, keep) {
	if (argc != 1) return 255
	if (!lookup(args[1])) return fail(ERR)
	f = delta_file(PP)
	if (PSNAME == "") { system("rm -f '" f "'"); return 0 }
	pre = PP "." PSNAME (PO == "" ? "" : "." PO)
	tmp = f ".tmp"
	printf "" > tmp
	while ((getline line < f) > 0) {
		keep = line; sub(/^[-+|~]/, "", keep)
		if (index(keep, pre) == 1 && substr(keep, length(pre) + 1, 1) ~ /^[.=]?$/) continue
		print line > tmp
	}
	close(f); close(tmp)
	system("mv '" tmp "' '" f "'")
	return 0
}

function run_cmd(argc, args,   c, i, rest) {
	c = args[0]
	for (i = 1; i <= argc; i++) rest[i] = args[i]
	if (c == "show") return cmd_show(argc, rest)
	if (c == "get") return cmd_get(argc, rest)
	if (c == "set") return cmd_set(argc, rest)
	if (c == "del" || c == "delete") return cmd_delete(argc, rest)
	if (c == "add") return cmd_add(argc, rest)
	if (c == "add_list") return cmd_list(argc, rest, 1)
	if (c == "del_list") return cmd_list(argc, rest, 0)
	if (c == "changes") return cmd_changes(argc, rest)
	if (c == "commit") return cmd_commit(argc, rest)
	if (c == "revert") return cmd_revert(argc, rest)
	return 255
}

# uci batch's argument splitter: quotes, backslashes, '#' comments
function batch_args(line, args,   n, i, c, w, inw, qc) {
	n = -1; w = ""; inw = 0; qc = ""
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (qc != "") { if (c == qc) qc = ""; else if (c == "\\" && qc == "\"") { i++; w = w substr(line, i, 1) } else w = w c; continue }
		if (c == "'" || c == "\"") { qc = c; inw = 1; continue }
		if (c == "#" && !inw) break
		if (c == " " || c == "\t") { if (inw) { args[++n] = w; w = ""; inw = 0 } continue }
		if (c == "\\") { i++; w = w substr(line, i, 1); inw = 1; continue }
		w = w c; inw = 1
	}
	if (qc != "") return -2
	if (inw) args[++n] = w
	return n
}

function unload_all(   p) { for (p in LOADED) clear_pkg(p) }

BEGIN {
	if (DELIM == "") DELIM = " "
	if (ARGC < 2) exit 255
	if (ARGV[1] == "batch") {
		while ((getline line < "/dev/stdin") > 0) {
			delete BA
			n = batch_args(line, BA)
			if (n == -2) { ERRDETAIL = " (unterminated quote)"; err("PARSE"); continue }
			if (n < 0) continue
			if (BA[0] == "exit") break
			if (run_cmd(n, BA) == 255 && !QUIET) print "Unknown command" > "/dev/stderr"
			unload_all()
		}
		exit 0
	}
	for (k = 1; k < ARGC; k++) A[k - 1] = ARGV[k]
	rc = run_cmd(ARGC - 2, A)
	exit rc
}
