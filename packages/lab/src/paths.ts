// Fixed paths inside every router's sandbox, shared by the rootfs builder and the supervisor
// (which must not load the rootfs builder and its firmware layer just to start dropbear).

import type { Firmware } from './types.js';

/**
 * The type of a router's dropbear host key: White Russian's dropbear 0.4x and 19.07's 2019.78
 * predate ed25519 (dropbear 2020.79), so they have an RSA key and offer no ed25519.
 * @example hostKeyType('openwrt-19') // 'rsa'
 */
export function hostKeyType(firmware: Firmware): 'rsa' | 'ed25519' {
  return firmware === 'whiterussian' || firmware === 'openwrt-19' ? 'rsa' : 'ed25519';
}

/**
 * Where dropbear finds its host key inside the sandbox (OpenWrt's paths).
 * @example hostKeyPath('openwrt') // '/etc/dropbear/dropbear_ed25519_host_key'
 */
export function hostKeyPath(firmware: Firmware): string {
  return `/etc/dropbear/dropbear_${hostKeyType(firmware)}_host_key`;
}
/** The login shell every SSH session of the router runs through. */
export const LOGIN_SHELL_PATH = '/lab/bin/login-shell';
/** Where dropbear lives inside the sandbox (OpenWrt's path). */
export const DROPBEAR_PATH = '/usr/sbin/dropbear';
/** Mount point of the router's host-side audit log. */
export const AUDIT_LOG_PATH = '/lab/audit.log';
/** The sandbox's first program: runs the boot sequence after `lab reboot`, then execs dropbear. */
export const INIT_PATH = '/lab/bin/init';
/** Marker file (rootfs-relative) that makes INIT_PATH boot the router: written by the supervisor on reboot. */
export const BOOT_PENDING = 'lab/boot-pending';
