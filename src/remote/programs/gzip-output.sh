# shellcheck shell=sh
# Follows the function pf_body (the program whose output is compressed, see
# src/shell/compress.ts): runs it with stdout through the router's gzip when it has one,
# keeping its exit status (a pipeline's status is gzip's: the body's travels on fd 5) and its
# stderr. The body runs without fds 4 and 5, so a daemon it starts cannot hold the session's
# stdout open through them. Header: R.
# shellcheck disable=SC2154 # R: assigned by the generated header
_gz=
for _d in /bin /usr/bin /sbin /usr/sbin; do [ -z "$_gz" ] && [ -x "$R$_d/gzip" ] && _gz=$R$_d/gzip; done
if [ -z "$_gz" ]; then pf_body; exit $?; fi
exec 4>&1
_rc=$( { { ( pf_body ) 4>&- 5>&-; echo $? >&5; } | "$_gz" -c >&4 5>&-; } 5>&1 )
exit "${_rc:-1}"
