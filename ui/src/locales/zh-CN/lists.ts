// Texts of 清单制 that the villager app, the public page and the console all show: the
// three lists, the flowchart of an item, states, outcomes and votes.
export default {
  ls: {
    kind: { power: '小微权力清单', affair: '村级事务清单', service: '公共服务事项清单' },
    kindShort: { power: '小微权力', affair: '村级事务', service: '公共服务' },
    section: { duty: '依法履职事项', assist: '协助政府事项', negative: '负面清单' },
    sectionHint: { negative: '以下事项不得转嫁给村级组织承担，村里可以拒绝。' },
    flow: {
      steps: '办理流程',
      start: '开始',
      end: '办结',
      actor: '办理：',
      days: '{n}个工作日',
      noLimit: '当场办理',
      disclose: '结果公开',
      attachments: '需附：{list}',
      total: '总时限{n}个工作日',
      responsible: '责任主体',
      materials: '申请材料',
      noMaterials: '无需材料',
      basis: '依据',
      risk: '廉政风险点',
      supervise: '监督电话',
    },
    step: { done: '已完成', current: '当前步骤', waiting: '待办', due: '限 {time} 前' },
    state: { open: '办理中', closed: '已结束', overdue: '已超期' },
    outcome: { done: '已办结', rejected: '不予办理', withdrawn: '已撤回' },
    via: { cadre: '村干部发起', villager: '村民申请', proxy: '网格员代办' },
    votes: { title: '表决结果', for: '赞成', against: '反对', abstain: '弃权', line: '赞成 {for} 票，反对 {against} 票，弃权 {abstain} 票' },
  },
};
