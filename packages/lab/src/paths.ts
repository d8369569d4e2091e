// Fixed paths inside every router's sandbox, shared by the rootfs builder and the supervisor
// (which must not load the rootfs builder and its firmware layer just to start dropbear).

/** Where dropbear finds its host key inside the sandbox (OpenWrt's path). */
export const HOST_KEY_PATH = '/etc/dropbear/dropbear_ed25519_host_key';
/** The login shell every SSH session of the router runs through. */
export const LOGIN_SHELL_PATH = '/lab/bin/login-shell';
/** Where dropbear lives inside the sandbox (OpenWrt's path). */
export const DROPBEAR_PATH = '/usr/sbin/dropbear';
/** Mount point of the router's host-side audit log. */
export const AUDIT_LOG_PATH = '/lab/audit.log';
