// Texts of events 民情 that both apps show: states, actions, outcomes, ratings.
export default {
  ev: {
    state: {
      pending: '待受理', accepted: '已受理', rejected: '不予受理', dispatched: '已派单', handling: '办理中',
      returned: '已退回', finished: '已办结', visited: '已回访',
    },
    action: {
      reply: '补充说明',
      create: '提交反映', accept: '受理', reject: '不予受理', dispatch: '派单', handle_locally: '村级自办', take: '接单办理',
      give_back: '退回', transfer: '转派', finish: '办结', visit: '回访评价', reopen: '不满意，重新办理', note: '办理进展',
      supervise: '督办', answer: '答复督办', warn: '临期提醒', overdue: '已超期', escalate: '升级督办', escalate_town: '升级到乡镇督办', escalate_county: '升级到县级督办',
    },
    outcome: {
      resolved: '已解决', explained: '已解释', unresolvable: '无法解决', duplicate: '重复反映', not_responsible: '非本级职责',
    },
    rating: { satisfied: '满意', basic: '基本满意', unsatisfied: '不满意' },
    media: {
      voice: '语音', video: '视频', record: '按此录音', stop: '停止录音', delete: '删除录音', deleteVideo: '删除视频',
      listen: '试听录音', recorded: '已录好的语音', fileVoice: '已选的录音文件', pickVoice: '选择录音文件',
      recording: '正在录音 {t}（还可录 {left}）', recordHint: '说话比打字方便时可以录一段语音，最长 {s} 秒。录好后可以试听，不满意就删除重录。',
      voiceTooBig: '录音太大（最大 {mb} MB），请录短一些', voiceTooLong: '录音最长 {s} 秒，请选短一些的录音',
      pickVideo: '拍摄或选择视频', videoHint: '可以附一段手机拍的短视频（最大 {mb} MB）', videoTooBig: '视频太大（最大 {mb} MB），请拍短一些',
      uploading: '正在上传录音和视频…',
      problem: {
        unsupported: '这个浏览器不能录音，请直接打字描述',
        denied: '没有麦克风权限，不能录音。请在浏览器设置里允许使用麦克风，或直接打字描述',
        nodevice: '没有找到麦克风，不能录音，请直接打字描述',
        failed: '录音没有成功，请重试或直接打字描述',
      },
      reply: '补充说明', replyHint: '办理人员需要了解更多情况时，可以在这里补充文字或语音。', replyPlaceholder: '补充的情况（可以只录语音）',
      replySubmit: '提交补充', replied: '已提交补充说明', replyEmpty: '请填写补充说明或录一段语音',
      needsSignal: '视频要有网络才能发送，请等有信号时再提交，或删除视频后先保存在手机上（录音可以保存）',
      attach: '附录音或视频', attachVoice: '录音', attachVideo: '视频',
    },
    overdue: '已超期',
    warned: '临期',
  },
};
