// The life of an ECharts chart in a component: created on mount in the element el,
// drawn with the options option() gives (in the page's own font: a canvas does not
// inherit fonts), redrawn when watched changes, resized with the window, disposed on
// unmount. The caller registers the chart types it uses with echarts.use.
import { onBeforeUnmount, onMounted, watch, type Ref, type WatchSource } from 'vue';
import * as echarts from 'echarts/core';

export function useChart(el: Ref<HTMLElement | null>, option: () => Record<string, unknown>, watched: WatchSource) {
  let chart: echarts.ECharts | null = null;

  function draw() {
    if (!chart) return;
    const font = el.value ? getComputedStyle(el.value).fontFamily : '';
    chart.setOption({ textStyle: font ? { fontFamily: font } : {}, ...option() }, true);
  }

  function resize() {
    chart?.resize();
  }

  onMounted(() => {
    if (!el.value) return;
    chart = echarts.init(el.value, undefined, { renderer: 'canvas' });
    draw();
    window.addEventListener('resize', resize);
  });
  watch(watched, draw, { deep: true });
  onBeforeUnmount(() => {
    window.removeEventListener('resize', resize);
    chart?.dispose();
    chart = null;
  });
}
