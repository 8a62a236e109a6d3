/* 云汀县人民政府门户网站 公共脚本 */
function setFontSize(size) {
  var box = document.getElementById('zoom');
  if (box) {
    box.style.fontSize = size + 'px';
  }
  return false;
}
