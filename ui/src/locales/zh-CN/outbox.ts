// Texts of the villager app's outbox: claims and reports kept on the phone without signal.
export default {
  outbox: {
    title: '手机上待发送的',
    hint: '没有信号时提交的内容保存在手机上，有信号后会自动发送。',
    kept: '现在没有信号，已保存在手机上，有信号后自动发送',
    retry: '现在发送',
    drop: '删除',
    state: { pending: '待发送', sending: '发送中', sent: '已发送', failed: '发送失败' },
  },
};
