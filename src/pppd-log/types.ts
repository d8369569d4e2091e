// The parser's output: one structured session per connection attempt, and a verdict
// for the last attempt (vocabulary from DESIGN.md).

export const VERDICTS = [
  'up',
  'mppe_failed',
  'auth_failed',
  'eap_refused_or_unsupported',
  'no_response',
  'control_refused',
  'no_kernel_support',
  'config_error',
  'link_dead',
  'terminated_by_peer',
  'ip_script_failed',
  'idle_disconnect',
  'stopped_locally',
  'other',
] as const;

export type Verdict = (typeof VERDICTS)[number];

export type AuthProtocol = 'PAP' | 'CHAP-MD5' | 'MS-CHAP' | 'MS-CHAPv2' | 'EAP';

export interface AuthInfo {
  protocol: AuthProtocol | null;
  result: 'success' | 'failure' | 'none';
  /** MS-CHAP error code such as `E=691`, or the peer's failure message. */
  error: string | null;
}

export interface MppeInfo {
  bits: 40 | 56 | 128 | null;
  stateless: boolean;
  compression: boolean;
}

export interface ScriptStatus {
  script: string;
  /** Decoded exit status (pppd prints a wait status: 0x7f00 is exit 127). */
  exitCode: number | null;
  /** Signal number when the script was killed. */
  signal: number | null;
}

/** Everything the log says about one connection attempt. */
export interface Attempt {
  lcp: { sent: string[]; received: string[] };
  auth: AuthInfo;
  mppe: MppeInfo | null;
  localIp: string | null;
  remoteIp: string | null;
  dns: string[];
  iface: string | null;
  scripts: ScriptStatus[];
  /** How the attempt ended, in words, or null when still running. */
  endedBy: string | null;
  verdict: Verdict;
  /** Log lines that decided the verdict. */
  evidence: string[];
  /** pppd's process id when the log lines carry one (syslog/logread), else null. (additive) */
  pid?: string | null;
}

/** The `diagnose --json` shape (issue 5). */
export interface Diagnosis {
  verdict: Verdict;
  attempts: number;
  auth: AuthInfo;
  mppe: MppeInfo | null;
  localIp: string | null;
  remoteIp: string | null;
  scriptStatus: ScriptStatus | null;
  endedBy: string | null;
  hint: string | null;
  evidence: string[];
}

// ---- Additions by the parser (additive; the fields above are the contract). ----

/** What `parsePppdLog` returns: every attempt in log order, and whether the text was pppd's at all. */
export interface ParsedLog {
  attempts: Attempt[];
  /** False when nothing in the text looks like pppd or pptp output. */
  isPppdLog: boolean;
}
