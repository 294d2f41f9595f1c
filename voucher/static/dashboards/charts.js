// Dashboard charts: every <div data-chart="ID"> is drawn by Apache ECharts (zh-CN locale) from the JSON spec in
// <script type="application/json" id="ID"> (built by voucher/dashboards/chart_data.py). Money arrives as Decimal
// strings with two places and is shown from those strings (¥1,234.50), never re-rounded from a float. Each chart
// has tooltips, a legend when it has several series, a "保存为图片" button and an ARIA description; the table
// under it carries the same figures for screen readers and export.
(function () {
  "use strict";
  if (!window.echarts) {
    return;
  }
  var echarts = window.echarts;
  // Darker tones than ECharts' default, so that bars and lines keep 3:1 against the white card.
  var PALETTE = ["#b45309", "#1d4ed8", "#15803d", "#7e22ce", "#b91c1c", "#475569"];
  var TEXT = "#1f2933";
  var MUTED = "#4b5563";

  function groupDigits(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  // "1234.5" or "-1234.50" → "¥1,234.50" / "-¥1,234.50", from the string itself.
  function money(raw) {
    var text = String(raw);
    var sign = "";
    if (text.charAt(0) === "-") {
      sign = "-";
      text = text.slice(1);
    }
    var parts = text.split(".");
    var fen = ((parts[1] || "") + "00").slice(0, 2);
    return sign + "¥" + groupDigits(parts[0] || "0") + "." + fen;
  }

  function count(raw) {
    return groupDigits(String(raw)) + " 笔";
  }

  // Axis and bar-end labels: 12,300 → 1.2万, 230,000,000 → 2.3亿; small numbers as they are.
  function short(value) {
    var number = Number(value);
    var size = Math.abs(number);
    if (size >= 1e8) {
      return (number / 1e8).toFixed(1).replace(/\.0$/, "") + "亿";
    }
    if (size >= 1e4) {
      return (number / 1e4).toFixed(1).replace(/\.0$/, "") + "万";
    }
    return String(Math.round(number * 100) / 100);
  }

  function items(spec) {
    return spec.series.map(function (s) {
      return s.values.map(function (raw) {
        return { value: Number(raw), raw: raw };
      });
    });
  }

  function tooltip(spec) {
    var format = spec.unit === "money" ? money : count;
    return {
      trigger: "axis",
      confine: true,
      axisPointer: { type: spec.kind === "bar" ? "shadow" : "line" },
      formatter: function (params) {
        var list = Array.isArray(params) ? params : [params];
        if (!list.length) {
          return "";
        }
        var head = spec.categories[list[0].dataIndex];
        var lines = list.map(function (p) {
          var raw = p.data && p.data.raw !== undefined ? p.data.raw : p.value;
          return p.marker + echarts.format.encodeHTML(p.seriesName) + "：<b>" + format(raw) + "</b>";
        });
        return echarts.format.encodeHTML(head) + "<br>" + lines.join("<br>");
      },
    };
  }

  function base(spec, font) {
    var several = spec.series.length > 1;
    return {
      aria: { enabled: true },
      animationDuration: 300,
      color: PALETTE,
      textStyle: { fontFamily: font, color: TEXT },
      title: {
        text: spec.title,
        left: 0,
        top: 0,
        textStyle: { fontSize: 14, fontWeight: 600, color: TEXT, fontFamily: font },
      },
      toolbox: {
        right: 0,
        top: 0,
        itemSize: 16,
        feature: {
          saveAsImage: {
            title: "保存为图片",
            name: spec.title,
            pixelRatio: 2,
            backgroundColor: "#ffffff",
          },
        },
      },
      legend: {
        show: several,
        type: "scroll",
        top: 26,
        left: 0,
        right: 28, // clear of the save button
        itemWidth: 14,
        itemHeight: 10,
        textStyle: { fontSize: 12, color: TEXT, fontFamily: font },
      },
      tooltip: tooltip(spec),
      grid: {
        left: 0,
        right: 8,
        top: several ? 60 : 34,
        bottom: 4,
        outerBoundsMode: "same",
        outerBoundsContain: "axisLabel",
      },
    };
  }

  function barOption(spec, width, font) {
    var option = base(spec, font);
    var data = items(spec);
    var labelled = spec.series.length <= 2;
    option.xAxis = {
      type: "value",
      minInterval: spec.unit === "count" ? 1 : 0,
      // Room at the end of the longest bar for its label.
      boundaryGap: [0, labelled ? "18%" : "4%"],
      splitNumber: width < 420 ? 3 : 5,
      axisLabel: { formatter: short, color: MUTED, hideOverlap: true },
    };
    option.yAxis = {
      type: "category",
      inverse: true,
      data: spec.categories,
      axisTick: { alignWithLabel: true },
      axisLabel: {
        interval: 0,
        color: TEXT,
        width: Math.round(Math.max(72, Math.min(180, width * 0.3))),
        overflow: "truncate",
      },
    };
    option.series = spec.series.map(function (s, i) {
      return {
        type: "bar",
        name: s.name,
        data: data[i],
        barMaxWidth: 18,
        barCategoryGap: "30%",
        label: {
          show: labelled,
          position: "right",
          fontSize: 11,
          color: MUTED,
          formatter: function (p) {
            // Beside another bar of the group a zero says nothing; alone it does.
            return p.value === 0 && spec.series.length > 1 ? "" : short(p.value);
          },
        },
      };
    });
    return option;
  }

  function lineOption(spec, width, font) {
    var option = base(spec, font);
    var data = items(spec);
    var dots = spec.categories.length <= 16;
    option.xAxis = {
      type: "category",
      boundaryGap: false,
      data: spec.axis_labels || spec.categories,
      axisLabel: { color: TEXT, hideOverlap: true },
    };
    option.yAxis = {
      type: "value",
      splitNumber: width < 420 ? 3 : 5,
      axisLabel: { formatter: short, color: MUTED },
    };
    option.series = spec.series.map(function (s, i) {
      return {
        type: "line",
        name: s.name,
        data: data[i],
        showSymbol: dots,
        symbolSize: 6,
        lineStyle: { width: 2.5 },
      };
    });
    return option;
  }

  function option(spec, width, font) {
    var built = spec.kind === "line" ? lineOption(spec, width, font) : barOption(spec, width, font);
    if (!spec.categories.length) {
      built.graphic = {
        type: "text",
        left: "center",
        top: "middle",
        style: { text: "暂无数据", fill: MUTED, fontSize: 14, fontFamily: font },
      };
    }
    return built;
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var font = window.getComputedStyle(el).fontFamily;
    el.textContent = "";
    var chart = echarts.init(el, null, { locale: "ZH", renderer: "canvas" });
    var width = el.clientWidth;
    chart.setOption(option(spec, width, font));
    function fit() {
      if (el.clientWidth !== width) {
        width = el.clientWidth;
        chart.setOption(option(spec, width, font), { notMerge: true });
      }
      chart.resize();
    }
    if (window.ResizeObserver) {
      new ResizeObserver(fit).observe(el);
    } else {
      window.addEventListener("resize", fit);
    }
  }

  function start() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
