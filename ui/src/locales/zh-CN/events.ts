// Texts of events 民情 that both apps show: states, actions, outcomes, ratings.
export default {
  ev: {
    state: {
      pending: '待受理', accepted: '已受理', rejected: '不予受理', dispatched: '已派单', handling: '办理中',
      returned: '已退回', finished: '已办结', visited: '已回访',
    },
    action: {
      create: '提交反映', accept: '受理', reject: '不予受理', dispatch: '派单', handle_locally: '村级自办', take: '接单办理',
      give_back: '退回', transfer: '转派', finish: '办结', visit: '回访评价', reopen: '不满意，重新办理', note: '办理进展',
      supervise: '督办', answer: '答复督办', warn: '临期提醒', overdue: '已超期', escalate: '升级督办',
    },
    outcome: {
      resolved: '已解决', explained: '已解释', unresolvable: '无法解决', duplicate: '重复反映', not_responsible: '非本级职责',
    },
    rating: { satisfied: '满意', basic: '基本满意', unsatisfied: '不满意' },
    overdue: '已超期',
    warned: '临期',
  },
};
