// master.cf: the policy's smtpd services, then the daemons every Postfix needs (Debian's
// list). Nothing runs chrooted: the tables, certificates and Cyrus configuration are read
// where the policy says, not from a copy inside /var/spool/postfix.
const DAEMONS = [
  'pickup    unix  n  -  n  60    1  pickup',
  'cleanup   unix  n  -  n  -     0  cleanup',
  'qmgr      unix  n  -  n  300   1  qmgr',
  'tlsmgr    unix  -  -  n  1000? 1  tlsmgr',
  'rewrite   unix  -  -  n  -     -  trivial-rewrite',
  'bounce    unix  -  -  n  -     0  bounce',
  'defer     unix  -  -  n  -     0  bounce',
  'trace     unix  -  -  n  -     0  bounce',
  'verify    unix  -  -  n  -     1  verify',
  'flush     unix  n  -  n  1000? 0  flush',
  'proxymap  unix  -  -  n  -     -  proxymap',
  'proxywrite unix -  -  n  -     1  proxymap',
  'smtp      unix  -  -  n  -     -  smtp',
  'relay     unix  -  -  n  -     -  smtp',
  '  -o syslog_name=postfix/$service_name',
  'showq     unix  n  -  n  -     -  showq',
  'error     unix  -  -  n  -     -  error',
  'retry     unix  -  -  n  -     -  error',
  'discard   unix  -  -  n  -     -  discard',
  'local     unix  -  n  n  -     -  local',
  'virtual   unix  -  n  n  -     -  virtual',
  'lmtp      unix  -  -  n  -     -  lmtp',
  'anvil     unix  -  -  n  -     1  anvil',
  'scache    unix  -  -  n  -     1  scache',
  'postlog   unix-dgram n - n  -     1  postlogd',
];

export function masterCf(header: string, services: ReadonlyArray<{ lines: string[] }>): string {
  return [
    header,
    '# service type  private unpriv  chroot  wakeup  maxproc command + args',
    ...services.flatMap((s) => s.lines),
    '',
    '# the daemons every Postfix needs',
    ...DAEMONS,
    '',
  ].join('\n');
}
