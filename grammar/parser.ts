// The .smtppolicy grammar as a chevrotain CstParser: one instance per process, created on
// first use, with error recovery on so that a broken file still yields a partial tree and
// every independent error.
//
// The grammar is deliberately lenient where leniency gives better messages: a missing
// declaration name or a missing mode keyword is an empty alternative here and is reported
// by the CST→AST step, instead of throwing and re-synchronising past good text.

import { CstParser, EMPTY_ALT, tokenMatcher, type CstNode, type IOrAlt, type IToken, type ParserMethod, type TokenType } from 'chevrotain';
import type { BlockKind } from './blocks.js';
import { boundRecovery } from './bounded-recovery.js';
import type { KeywordContext } from './keyword-table.js';
import { createMessageProvider, type ParseState } from './messages.js';
import { blockItems, SETTING_RULES, type SettingRule } from './setting-rules.js';
import {
  Comma,
  keywordToken as kw,
  LCurly,
  PARSER_TOKENS,
  RCurly,
  Ref,
  Reserved,
  StringLiteral,
  Word,
} from './tokens.js';

let activeState: ParseState = { openBlocks: [], listEnds: new Set(), tokens: [], lineOf: () => 1 };

const Include = kw('include');
const Resolver = kw('resolver');
const Storage = kw('storage');
const Admin = kw('admin');
const State = kw('state');
const Users = kw('users');
const List = kw('list');
const Server = kw('server');
const Cache = kw('cache');
const File = kw('file');
const Env = kw('env');
const Listen = kw('listen');
const Tls = kw('tls');
const Connections = kw('connections');
const Auth = kw('auth');
const Relay = kw('relay');
const RelayTo = kw('relay-to');
const Limits = kw('limits');
const ProxyProtocol = kw('proxy-protocol');
const Gateways = kw('gateways');
const ImplicitTls = kw('implicit-tls');
const Sni = kw('sni');
const Only = kw('only');
const Except = kw('except');
const Domain = kw('domain');
const Mask = kw('mask');
const Authenticated = kw('authenticated');
const Anyone = kw('anyone');
const Smarthost = kw('smarthost');
const Hold = kw('hold');
const Direct = kw('direct');
const Route = kw('route');
const Password = kw('password');
const Ldap = kw('ldap');
const BindPassword = kw('bind-password');
const None = kw('none');
const NoVerify = kw('no-verify');
const Recipients = kw('recipients');
const Mailboxes = kw('mailboxes');
const Alias = kw('alias');
const To = kw('to');

const AUTH_METHOD_KEYWORDS = ['basic', 'challenge-response', 'token', 'anonymous'].map(kw);
const CONNECTION_MODES = [Only, Except];
const SMARTHOST_ADDRESS = [StringLiteral, Word];
const SMARTHOST_TLS_MODES = ['require', 'optional', 'none'].map(kw);

type Rule = ParserMethod<[], CstNode>;

export class PolicyParser extends CstParser {
  /**
   * `validate`: run chevrotain's grammar validations (ambiguities, left recursion). They cost
   * a good part of every CLI start and say nothing new about a grammar that has not changed,
   * so the process-wide parser skips them and a test (test/grammar/grammar-validation)
   * builds one with them on.
   */
  constructor({ validate = false }: { validate?: boolean } = {}) {
    super(PARSER_TOKENS, {
      skipValidations: !validate,
      recoveryEnabled: true,
      maxLookahead: 3,
      // Node extents are computed by the CST→AST step from real tokens only.
      nodeLocationTracking: 'none',
      errorMessageProvider: createMessageProvider(() => activeState),
    });
    this.performSelfAnalysis();
    boundRecovery(this);
  }

  /** Parses a token vector; `state` is shared with the error messages while it runs. */
  parseTokens(tokens: IToken[], state: ParseState): CstNode {
    activeState = state;
    this.input = tokens;
    // Recovery throws an exception per syntax error and catches it again; their stack
    // traces are never read but were most of the cost of a file with thousands of errors.
    const traceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return this.file();
    } finally {
      Error.stackTraceLimit = traceLimit;
    }
  }

  private get state(): ParseState {
    return activeState;
  }

  /** One of several keywords, recorded under the label `keyword`. */
  private oneOf(tokens: TokenType[], label = 'keyword'): void {
    this.OR4(tokens.map((token) => ({ ALT: () => this.CONSUME(token, { LABEL: label }) })));
  }

  /**
   * One of `tokens`, recorded under `label`, or nothing: the lenient choice of the header
   * comment, so that a missing mode or address is reported by the CST→AST step.
   */
  private oneOfOrNothing(tokens: TokenType[], label: string): void {
    this.OR([...tokens.map((token) => ({ ALT: () => this.CONSUME(token, { LABEL: label }) })), { ALT: EMPTY_ALT() }]);
  }

  /** `{ body }`, keeping track of open blocks so a missing '}' can say where the block began. */
  private block(kind: BlockKind, body: () => void): void {
    const open = this.CONSUME(LCurly);
    const depth = this.state.openBlocks.length;
    this.ACTION(() => {
      const offset = Number.isFinite(open.startOffset) ? open.startOffset : this.LA(0).startOffset;
      this.state.openBlocks.push({ kind, offset });
    });
    try {
      body();
      this.CONSUME(RCurly);
    } finally {
      this.ACTION(() => {
        this.state.openBlocks.length = depth;
      });
    }
  }

  /**
   * A declared name. A keyword is taken as the name (and reported by the CST→AST step) only
   * when the token after it is what follows a name, so `users file "x"` reads as a missing
   * name, not as a store named `file`. A missing name is left for the CST→AST step too.
   */
  private declName(...follow: TokenType[]): void {
    this.OPTION9({
      GATE: () => !tokenMatcher(this.LA(1), Reserved) || follow.some((type) => tokenMatcher(this.LA(2), type)),
      DEF: () =>
        this.OR3([
          { ALT: () => this.CONSUME9(Word, { LABEL: 'name' }) },
          { ALT: () => this.CONSUME9(Reserved, { LABEL: 'name' }) },
        ]),
    });
  }

  /** Records where an inline list ended, for the "expected ','" message. */
  private markListEnd(): void {
    this.ACTION(() => {
      const last = this.LA(0);
      if (Number.isFinite(last.startOffset)) this.state.listEnds.add(last.startOffset);
    });
  }

  // ───────────────────────────── settings from the keyword table ─────────────────────────────

  /** One rule per setting rule of the keyword table, built before the self-analysis like every rule. */
  private readonly settingRules: ReadonlyMap<string, Rule> = new Map(SETTING_RULES.map((rule) => [rule.name, this.settingRule(rule)]));

  /** `keyword`, `keyword VALUE` or `keyword VALUE, VALUE…`, as the setting's value kind says. */
  private settingRule(rule: SettingRule): Rule {
    const keywords = rule.rows.map((row) => kw(row.text));
    const value = rule.token === 'StringLiteral' ? StringLiteral : Word;
    return this.RULE(rule.name, () => {
      if (keywords.length === 1) this.CONSUME(keywords[0]!, { LABEL: 'keyword' });
      else this.oneOf(keywords);
      if (rule.shape === 'single') this.CONSUME(value);
      if (rule.shape === 'list') {
        this.CONSUME(Word);
        this.MANY(() => {
          this.CONSUME(Comma);
          this.CONSUME2(Word);
        });
        this.markListEnd();
      }
    });
  }

  private readonly alternativesCache = new Map<KeywordContext, IOrAlt<unknown>[]>();

  /**
   * The alternatives of a block's settings in keyword-table order: the table's setting
   * rules, and the hand-written rules of its structural keywords (blocks, lists of entries,
   * settings with a shape of their own). A keyword with neither is a table error.
   */
  private alternatives(context: KeywordContext, structural: () => Record<string, Rule> = () => ({})): IOrAlt<unknown>[] {
    // Built once per block: the rules run for every setting of every file.
    const cached = this.alternativesCache.get(context);
    if (cached) return cached;
    const rules: Rule[] = [];
    const handwritten = structural();
    for (const item of blockItems(context)) {
      const rule = 'rule' in item ? this.settingRules.get(item.rule.name) : handwritten[item.keyword];
      if (!rule) throw new Error(`keyword table: '${'keyword' in item ? item.keyword : ''}' in ${context} has no parser rule`);
      if (!rules.includes(rule)) rules.push(rule);
    }
    const alternatives = rules.map((rule) => ({ ALT: () => this.SUBRULE(rule) }));
    this.alternativesCache.set(context, alternatives);
    return alternatives;
  }

  private readonly onlyCache = new Map<KeywordContext, Rule>();

  /** The rule of a block whose items all share one setting rule (limits, cache, storage, sni). */
  private only(context: KeywordContext): Rule {
    const cached = this.onlyCache.get(context);
    if (cached) return cached;
    const items = blockItems(context);
    const item = items[0];
    if (items.length !== 1 || !item || !('rule' in item)) throw new Error(`keyword table: the ${context} block must hold one setting rule`);
    const rule = this.settingRules.get(item.rule.name)!;
    this.onlyCache.set(context, rule);
    return rule;
  }

  /** `{ item* }`: a block whose items are all one rule (a block's setting rule, or a table setting rule). */
  private blockOf(kind: BlockKind, item: Rule): void {
    this.block(kind, () => this.MANY(() => this.SUBRULE(item)));
  }

  /**
   * The rule `name`: `keyword { item* }`. `item` is asked for when the rule runs, so it may be
   * a rule defined further down (a field initialiser cannot see a later field yet).
   */
  private keywordBlock(name: string, keyword: TokenType, kind: BlockKind, item: () => Rule): Rule {
    return this.RULE(name, () => {
      this.CONSUME(keyword);
      this.blockOf(kind, item());
    });
  }

  /** The rule `name`: one setting of a block, in keyword-table order (see `alternatives`). */
  private blockSetting(name: string, context: KeywordContext, structural?: () => Record<string, Rule>): Rule {
    return this.RULE(name, () => {
      this.OR(this.alternatives(context, structural));
    });
  }

  /** Entries of a list, connections or proxy-protocol block; commas are optional separators. */
  private entries(): void {
    this.MANY8(() =>
      this.OR5([{ ALT: () => this.CONSUME8(Comma) }, { ALT: () => this.SUBRULE8(this.addressEntry) }]),
    );
  }

  // ───────────────────────────── top level ─────────────────────────────

  readonly file = this.RULE('file', () => {
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.includeDecl) },
        { ALT: () => this.SUBRULE(this.resolverBlock) },
        { ALT: () => this.SUBRULE(this.storageBlock) },
        { ALT: () => this.SUBRULE(this.adminBlock) },
        { ALT: () => this.SUBRULE(this.stateBlock) },
        { ALT: () => this.SUBRULE(this.userStoreDecl) },
        { ALT: () => this.SUBRULE(this.listDecl) },
        { ALT: () => this.SUBRULE(this.serverDecl) },
      ]),
    );
  });

  readonly includeDecl = this.RULE('includeDecl', () => {
    this.CONSUME(Include);
    this.CONSUME(StringLiteral);
  });

  readonly resolverBlock = this.keywordBlock('resolverBlock', Resolver, 'resolver', () => this.resolverSetting);
  readonly resolverSetting = this.blockSetting('resolverSetting', 'resolver', () => ({ cache: this.resolverCache }));
  readonly resolverCache = this.keywordBlock('resolverCache', Cache, 'cache', () => this.only('cache'));

  readonly storageBlock = this.keywordBlock('storageBlock', Storage, 'storage', () => this.only('storage'));

  readonly adminBlock = this.keywordBlock('adminBlock', Admin, 'admin', () => this.listenSetting);

  readonly stateBlock = this.keywordBlock('stateBlock', State, 'state', () => this.stateSetting);
  readonly stateSetting = this.blockSetting('stateSetting', 'state', () => ({ password: this.statePassword }));

  readonly statePassword = this.RULE('statePassword', () => {
    this.CONSUME(Password);
    this.secretSource();
  });

  // `users NAME file "PATH"` or `users NAME ldap "URL" { … }`
  readonly userStoreDecl = this.RULE('userStoreDecl', () => {
    this.CONSUME(Users);
    this.declName(File, Ldap);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(File);
          this.CONSUME(StringLiteral);
        },
      },
      { ALT: () => this.SUBRULE(this.ldapDirectory) },
    ]);
  });

  readonly ldapDirectory = this.RULE('ldapDirectory', () => {
    this.CONSUME(Ldap);
    this.OPTION(() => this.CONSUME(StringLiteral, { LABEL: 'url' }));
    this.blockOf('ldap', this.ldapSetting);
  });

  readonly ldapSetting = this.blockSetting('ldapSetting', 'ldap', () => ({ 'bind-password': this.ldapBindPassword }));

  readonly ldapBindPassword = this.RULE('ldapBindPassword', () => {
    this.CONSUME(BindPassword);
    this.secretSource();
  });

  readonly listDecl = this.RULE('listDecl', () => {
    this.CONSUME(List);
    this.declName(LCurly);
    this.block('list', () => this.entries());
  });

  readonly serverDecl = this.RULE('serverDecl', () => {
    this.CONSUME(Server);
    this.declName(LCurly);
    this.blockOf('server', this.serverSetting);
  });

  // ───────────────────────────── server settings ─────────────────────────────

  readonly serverSetting = this.blockSetting('serverSetting', 'server', () => ({
    listen: this.listenSetting,
    tls: this.tlsBlock,
    connections: this.connectionsSetting,
    auth: this.authBlock,
    relay: this.relayBlock,
    'relay-to': this.relayTo,
    recipients: this.recipientsBlock,
    route: this.routeSetting,
    limits: this.limitsBlock,
    'proxy-protocol': this.proxyProtocol,
    gateways: this.gateways,
  }));

  readonly listenSetting = this.RULE('listenSetting', () => {
    this.CONSUME(Listen);
    this.SUBRULE(this.listenEndpoint);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.listenEndpoint);
    });
    this.markListEnd();
  });

  readonly listenEndpoint = this.RULE('listenEndpoint', () => {
    this.CONSUME(Word);
    this.OPTION(() => this.CONSUME(ImplicitTls));
  });

  readonly tlsBlock = this.keywordBlock('tlsBlock', Tls, 'tls', () => this.tlsSetting);
  readonly tlsSetting = this.blockSetting('tlsSetting', 'tls', () => ({ sni: this.tlsSni }));

  readonly tlsSni = this.RULE('tlsSni', () => {
    this.CONSUME(Sni);
    this.CONSUME(Word);
    this.blockOf('sni', this.only('sni'));
  });

  readonly connectionsSetting = this.RULE('connectionsSetting', () => {
    this.CONSUME(Connections);
    this.oneOfOrNothing(CONNECTION_MODES, 'mode');
    this.block('connections', () => this.entries());
  });

  readonly authBlock = this.keywordBlock('authBlock', Auth, 'auth', () => this.authSetting);
  readonly authSetting = this.blockSetting('authSetting', 'auth', () => ({
    basic: this.authMethod,
    'challenge-response': this.authMethod,
    token: this.authMethod,
    anonymous: this.authMethod,
  }));

  readonly authMethod = this.RULE('authMethod', () => {
    this.oneOf(AUTH_METHOD_KEYWORDS);
    this.OPTION(() => {
      this.CONSUME(Users);
      this.CONSUME(Word);
    });
  });

  readonly relayBlock = this.RULE('relayBlock', () => {
    this.CONSUME(Relay);
    this.block('relay', () =>
      this.MANY(() =>
        this.OR([{ ALT: () => this.CONSUME(Comma) }, { ALT: () => this.SUBRULE(this.relayEntry) }]),
      ),
    );
  });

  readonly relayEntry = this.RULE('relayEntry', () => {
    this.OR([
      { ALT: () => this.CONSUME(Authenticated) },
      { ALT: () => this.CONSUME(Anyone) },
      { ALT: () => this.SUBRULE(this.addressEntry) },
    ]);
  });

  readonly addressEntry = this.RULE('addressEntry', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Word, { LABEL: 'address' });
          this.CONSUME(Mask);
          this.CONSUME2(Word, { LABEL: 'mask' });
        },
      },
      { ALT: () => this.CONSUME3(Word, { LABEL: 'cidr' }) },
      {
        ALT: () => {
          this.CONSUME(Domain);
          this.CONSUME4(Word, { LABEL: 'domain' });
        },
      },
      { ALT: () => this.CONSUME(Ref) },
    ]);
  });

  readonly relayTo = this.RULE('relayTo', () => {
    this.CONSUME(RelayTo);
    this.OR([
      { ALT: () => this.SUBRULE(this.smarthostTarget) },
      { ALT: () => this.SUBRULE(this.holdTarget) },
      { ALT: () => this.CONSUME(Direct) },
      { ALT: EMPTY_ALT() },
    ]);
  });

  /** `route DOMAIN HOST:PORT`; the parts it misses are reported by CST→AST. */
  readonly routeSetting = this.RULE('routeSetting', () => {
    this.CONSUME(Route);
    this.OPTION(() => {
      this.CONSUME(Word, { LABEL: 'domain' });
      this.OPTION2(() =>
        this.OR([
          { ALT: () => this.CONSUME(StringLiteral, { LABEL: 'address' }) },
          { ALT: () => this.CONSUME2(Word, { LABEL: 'address' }) },
        ]),
      );
    });
  });

  readonly smarthostTarget = this.RULE('smarthostTarget', () => {
    this.CONSUME(Smarthost);
    this.oneOfOrNothing(SMARTHOST_ADDRESS, 'address');
    this.OPTION(() => this.blockOf('smarthost', this.smarthostSetting));
  });

  readonly holdTarget = this.RULE('holdTarget', () => {
    this.CONSUME(Hold);
  });

  readonly smarthostSetting = this.blockSetting('smarthostSetting', 'smarthost', () => ({ tls: this.smarthostTls, password: this.smarthostPassword }));

  readonly smarthostTls = this.RULE('smarthostTls', () => {
    this.CONSUME(Tls);
    this.oneOfOrNothing(SMARTHOST_TLS_MODES, 'mode');
    this.OPTION(() => this.CONSUME(NoVerify));
  });

  readonly smarthostPassword = this.RULE('smarthostPassword', () => {
    this.CONSUME(Password);
    this.secretSource();
  });

  /** `env NAME` or `file "PATH"`: where a secret comes from (never the secret itself, which CST→AST reports as missing). */
  private secretSource(): void {
    this.OR9([
      {
        ALT: () => {
          this.CONSUME(Env);
          this.CONSUME(Word);
        },
      },
      {
        ALT: () => {
          this.CONSUME(File);
          this.CONSUME(StringLiteral);
        },
      },
      { ALT: EMPTY_ALT() },
    ]);
  }

  // `recipients DOMAIN { mailboxes file "PATH"  mailboxes users STORE  alias "NAME" to "ADDR", …  catch-all }`
  readonly recipientsBlock = this.RULE('recipientsBlock', () => {
    this.CONSUME(Recipients);
    this.OPTION(() => this.CONSUME(Word, { LABEL: 'domain' }));
    this.block('recipients', () => this.MANY(() => this.SUBRULE(this.recipientsSetting)));
  });

  readonly recipientsSetting = this.blockSetting('recipientsSetting', 'recipients', () => ({ mailboxes: this.mailboxesSetting, alias: this.aliasSetting }));

  readonly mailboxesSetting = this.RULE('mailboxesSetting', () => {
    this.CONSUME(Mailboxes);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(File);
          this.CONSUME(StringLiteral);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Users);
          this.CONSUME(Word);
        },
      },
      { ALT: EMPTY_ALT() },
    ]);
  });

  readonly aliasSetting = this.RULE('aliasSetting', () => {
    this.CONSUME(Alias);
    this.OPTION(() => this.CONSUME(StringLiteral, { LABEL: 'name' }));
    this.CONSUME(To);
    this.CONSUME2(StringLiteral, { LABEL: 'target' });
    this.MANY(() => {
      this.CONSUME(Comma);
      this.CONSUME3(StringLiteral, { LABEL: 'target' });
    });
    this.markListEnd();
  });

  readonly limitsBlock = this.keywordBlock('limitsBlock', Limits, 'limits', () => this.only('limits'));

  readonly proxyProtocol = this.RULE('proxyProtocol', () => {
    this.CONSUME(ProxyProtocol);
    this.block('proxy-protocol', () => this.entries());
  });

  readonly gateways = this.RULE('gateways', () => {
    this.CONSUME(Gateways);
    this.block('gateways', () => this.entries());
  });
}

let parser: PolicyParser | undefined;

export function getParser(): PolicyParser {
  parser ??= new PolicyParser();
  return parser;
}
