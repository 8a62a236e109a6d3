/*
 * 云汀县人民政府门户网站 无障碍 / 关怀版 切换（站内简化实现）
 * aria.start()         : 切换无障碍浏览模式（加大字号、链接下划线）
 * aria.oldFixedStart() : 切换关怀版（长辈版）模式（特大字体、加大行距）
 * 当前模式记录在 localStorage 中，页面重新打开时自动恢复。
 */
var aria = (function () {
  var KEY = 'yunting_aria_mode';

  function apply(mode) {
    var body = document.body;
    if (!body) { return; }
    body.className = body.className.replace(/\s*(wza-on|care-on)/g, '');
    if (mode === 'wza') { body.className += ' wza-on'; }
    if (mode === 'care') { body.className += ' care-on'; }
  }

  function current() {
    try { return window.localStorage.getItem(KEY) || ''; } catch (e) { return ''; }
  }

  function toggle(mode) {
    var next = current() === mode ? '' : mode;
    try { window.localStorage.setItem(KEY, next); } catch (e) { /* 隐私模式下忽略 */ }
    apply(next);
    return false;
  }

  if (typeof window !== 'undefined' && window.addEventListener) {
    window.addEventListener('DOMContentLoaded', function () { apply(current()); });
  }

  return {
    start: function () { return toggle('wza'); },
    oldFixedStart: function () { return toggle('care'); }
  };
})();
