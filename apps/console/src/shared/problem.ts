/**
 * A refusal as a sentence a person can read: in Chinese, the console's own sentence for the codes
 * its flows meet (the ledger's English title otherwise), then the ledger's detail and its stable
 * code, so support can find it.
 */
import { CascadeProblem, CascadeUnavailable } from '@cascade/sdk/client';
import type { Lang } from './i18n.ts';

const problemsZh: Record<string, string> = {
  voucherFrozen: '该凭证已被监管方冻结，不能转让或融资。',
  voucherNotActive: '该凭证不是有效状态。',
  voucherAlreadySplit: '该凭证已拆分，只能操作其子凭证。',
  voucherNotPendingAcceptance: '该凭证不在待签收状态。',
  voucherNotPendingFinancing: '该凭证没有待审批的融资申请。',
  voucherAlreadyFrozen: '该凭证已被冻结。',
  voucherNotFrozenByThisOrder: '该凭证没有可解除的冻结令。',
  nothingToFreeze: '该凭证及其子凭证都不处于可冻结的状态。',
  unknownVoucher: '凭证不存在，或您无权查看。',
  unknownParty: '所指定的参与方未注册。',
  tokenNotForEnterprise: '运营方只能为企业（核心企业、供应商、资金方）签发令牌；监管方和运营方须用自己的私钥登录。',
  tokenReadOnly: '此令牌由运营方签发，只能查询；写操作须用本方签名登录的令牌。',
  counterpartyLacksRole: '对方不具备所需角色。',
  signerNotEntitled: '您无权对该凭证执行此操作。',
  childrenMustSumToParent: '拆分金额与留存金额之和必须等于原凭证金额。',
  pieceBelowMinimum: '金额低于最小拆分单位。',
  recipientIsHolder: '不能转让给自己。',
  financingTermsBeyondRequest: '批准条件超出了持有方可接受的利率或费用。',
  feeAboveCap: '融资费用超过政策上限。',
  voucherPastMaturity: '凭证已到期，不能再转让或融资。',
  partyAlreadyRegistered: '该参与方已注册。',
  usccInvalid: '统一社会信用代码校验失败。',
  keyIdTaken: '该公钥已被注册。',
  actorLacksRole: '您的角色不能执行此指令。',
  tokenInvalid: '登录已失效，请重新登录。',
  loginFailed: '登录失败：参与方或私钥不匹配。',
  // Core enterprise's settlement.
  paymentReferenceAlreadyUsed: '该银行付款流水号已在结算中使用过，请填写本次付款的流水号。',
  settlementBeforeMaturity: '凭证尚未到期，不能结算。',
  treeHasFrozenVoucher: '凭证树中有被冻结的凭证，须待监管方解冻后结算。',
  rootNotAccepted: '根凭证尚未被签收，没有可结算的金额。',
};

export function describeError(error: unknown, lang: Lang = 'zh'): string {
  if (error instanceof CascadeProblem) {
    const { title, detail, code } = error.problem;
    const sentence = (lang === 'zh' ? problemsZh[code] : undefined) ?? title;
    return `${sentence}${detail && detail !== title ? ` — ${detail}` : ''} (${code}, HTTP ${error.status})`;
  }
  if (error instanceof CascadeUnavailable) return error.message;
  return error instanceof Error ? error.message : String(error);
}
