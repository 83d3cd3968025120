// Texts of the phone-sized screens: the villager's first screen (户码, this month's
// points, the elderly-mode offer, the points chart, the grid worker's call button) and
// the console's drawer menu on a phone.
export default {
  ph: {
    showCode: '出示户码',
    codeFull: '我家的户码',
    close: '关闭',
    monthChange: '本月 {n}',
    monthNone: '本月还没有新积分',
    rankOf: '共 {n} 户',
    elderlyOffer: '字太小？打开长辈模式，字更大、按钮更大。',
    elderlyOn: '打开长辈模式',
    elderlyNo: '不用了',
    elderlyToggle: '长辈模式',
    elderlyOff: '退出长辈模式',
    chartTitle: '近 6 个月积分',
    chartEmpty: '近 6 个月还没有积分变动',
    chartLabel: '{month}：{n} 分',
    showPassword: '显示密码',
    hidePassword: '隐藏密码',
    gridWorker: '我的网格员',
    call: '打电话',
    callWho: '给{name}打电话',
    menu: '菜单',
  },
};
