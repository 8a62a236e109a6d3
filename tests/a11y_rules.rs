//! Every accessibility rule on small pages: a violating case, a passing case, and the
//! false-positive traps (hidden elements, role=presentation/none, aria-hidden, decorative
//! images, labels by wrapping...). Each case runs the one rule alone.

use govaudit::page::Page;
use govaudit::report::{Finding, Severity};
use govaudit::rules::{Rule, a11y, alt_text, testing};

fn rule(id: &str) -> Box<dyn Rule> {
    let mut found: Vec<Box<dyn Rule>> = a11y::family()
        .rules
        .into_iter()
        .chain(alt_text::family().rules)
        .filter(|r| r.id() == id)
        .collect();
    assert_eq!(found.len(), 1, "rule {id} registered once");
    found.remove(0)
}

fn run(id: &str, html: &str) -> Vec<Finding> {
    let page = Page::from_html(html, "https://www.example.gov.cn/index.html");
    testing::run_rules(vec![rule(id)], &page)
        .into_iter()
        .filter(|f| f.rule == id)
        .collect()
}

/// Asserts the number of findings of `id` for each page.
fn cases(id: &str, cases: &[(&str, usize)]) {
    for (html, want) in cases {
        let got = run(id, html);
        assert_eq!(
            got.len(),
            *want,
            "{id} on {html}\nfindings: {:#?}",
            got.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
    }
}

fn doc(body: &str) -> String {
    format!(
        "<!doctype html><html lang=zh-CN><head><meta charset=utf-8><title>测试页面</title></head><body>{body}</body></html>"
    )
}

// ----- images and non-text content ----------------------------------------------------

#[test]
fn role_img_alt() {
    cases(
        "a11y/role-img-alt",
        &[
            ("<span role=img class=icon-phone></span>", 1),
            ("<div role='img' aria-label=''></div>", 1),
            ("<span role=img aria-label='电话'></span>", 0),
            ("<span role=img title='电话'></span>", 0),
            (
                "<span id=l>地图</span><div role=img aria-labelledby=l></div>",
                0,
            ),
            // Traps: hidden, aria-hidden, native images (image-alt's business).
            ("<span role=img aria-hidden=true></span>", 0),
            ("<span role=img style='display:none'></span>", 0),
            ("<img role=img src=a.png>", 0),
            ("<svg role=img><title>x</title></svg>", 0),
        ],
    );
}

#[test]
fn svg_img_alt() {
    cases(
        "a11y/svg-img-alt",
        &[
            ("<svg role=img><path d='M0 0'/></svg>", 1),
            ("<svg role=img><title> </title></svg>", 1),
            ("<svg role=img><title>县域地图</title></svg>", 0),
            ("<svg role=img aria-label='县域地图'></svg>", 0),
            ("<svg><g role=img><title>图标</title></g></svg>", 0),
            ("<svg><g role=graphics-symbol></g></svg>", 1),
            // Decorative SVG without a role is not checked; aria-hidden is exempt.
            ("<svg><path d='M0 0'/></svg>", 0),
            ("<svg role=img aria-hidden=true></svg>", 0),
        ],
    );
}

#[test]
fn object_alt() {
    cases(
        "a11y/object-alt",
        &[
            ("<object data=intro.swf></object>", 1),
            ("<object data=intro.swf><param name=a value=b></object>", 1),
            ("<object data=intro.swf title='县情介绍动画'></object>", 0),
            (
                "<object data=report.pdf>下载 <a href=report.pdf>政府工作报告（PDF）</a></object>",
                0,
            ),
            ("<object data=intro.swf aria-hidden=true></object>", 0),
            ("<object data=x.swf role=presentation></object>", 0),
            ("<object></object>", 0),
        ],
    );
}

#[test]
fn image_redundant_alt() {
    cases(
        "a11y/image-redundant-alt",
        &[
            ("<a href=/a><img src=i.png alt='工作动态'>工作动态</a>", 1),
            ("<button><img src=s.png alt='搜索'> 搜索 </button>", 1),
            ("<a href=/a><img src=i.png alt=''>工作动态</a>", 0),
            ("<a href=/a><img src=i.png alt='图标'>工作动态</a>", 0),
            ("<a href=/a><img src=i.png alt='工作动态'></a>", 0),
            (
                "<a href=/a aria-hidden=true><img src=i.png alt='工作动态'>工作动态</a>",
                0,
            ),
        ],
    );
}

#[test]
fn server_side_image_map() {
    cases(
        "a11y/server-side-image-map",
        &[
            ("<a href=/map><img src=m.png alt='地图' ismap></a>", 1),
            ("<img src=m.png alt='地图' usemap=#m>", 0),
            ("<img src=m.png alt='地图' ismap hidden>", 0),
        ],
    );
}

#[test]
fn captcha_alternative() {
    let captcha = "<form><input name=code aria-label='验证码'><img src='/servlet/ValidateCode?t=1' alt='验证码'><a href='#'>看不清，换一张</a></form>";
    cases(
        "a11y/captcha-alternative",
        &[
            (captcha, 1),
            ("<img id=yzm src='/code.jsp' alt='图片'>", 1),
            (
                "<img src='/captcha.jpg' alt='验证码'><button type=button>语音验证码</button>",
                0,
            ),
            (
                "<img src='/captcha.jpg' alt='验证码'><audio src='/captcha.mp3' controls></audio>",
                0,
            ),
            (
                "<img src='/captcha.jpg' alt='验证码'><a href=/sms>使用短信验证</a>",
                0,
            ),
            ("<img src='/banner.jpg' alt='横幅'>", 0),
            (
                "<img src='/captcha.jpg' style='display:none' aria-hidden=true>",
                0,
            ),
        ],
    );
}

#[test]
fn alt_text_rules_keep_their_ids_and_exemptions() {
    cases(
        "a11y/image-alt",
        &[
            ("<img src=a.png>", 1),
            ("<img src=a.png alt=''>", 0),
            ("<img src=a.png role=presentation>", 0),
            ("<div aria-hidden=true><img src=a.png></div>", 0),
            (
                "<style>.hide{display:none}</style><div class=hide><img src=a.png></div>",
                0,
            ),
            ("<img src=a.png aria-labelledby=nope>", 1),
            (
                "<span id=l>开平碉楼</span><img src=a.png aria-labelledby=l>",
                0,
            ),
            (
                "<span id=l>开平碉楼</span><img src=a.png aria-labelledby='x l'>",
                0,
            ),
        ],
    );
    cases(
        "a11y/input-image-alt",
        &[
            ("<input type=image src=s.gif>", 1),
            ("<input type=image src=s.gif alt='搜索'>", 0),
        ],
    );
}

// ----- document ------------------------------------------------------------------------

#[test]
fn html_lang_rules() {
    cases(
        "a11y/html-has-lang",
        &[
            (
                "<html><head><title>t</title></head><body>x</body></html>",
                1,
            ),
            (
                "<html xmlns='http://www.w3.org/1999/xhtml'><body>x</body></html>",
                1,
            ),
            ("<html lang=''><body>x</body></html>", 1),
            ("<html lang='zh-CN'><body>x</body></html>", 0),
            ("<html xml:lang='zh-CN'><body>x</body></html>", 0),
        ],
    );
    cases(
        "a11y/html-lang-valid",
        &[
            ("<html lang=cn><body>x</body></html>", 1),
            ("<html lang=zh_CN><body>x</body></html>", 1),
            ("<html lang=zh-CN><body>x</body></html>", 0),
            ("<html lang=zh-Hans><body>x</body></html>", 0),
            ("<html><body>x</body></html>", 0),
        ],
    );
    cases(
        "a11y/valid-lang",
        &[
            (&doc("<p lang=english>Hello</p>"), 1),
            (
                &doc("<p lang=en>Hello</p><span lang=zh-Hant>臺灣</span>"),
                0,
            ),
            (&doc("<p lang=xx-yy hidden>x</p>"), 0),
        ],
    );
}

#[test]
fn document_title() {
    cases(
        "a11y/document-title",
        &[
            ("<html lang=zh><head></head><body>x</body></html>", 1),
            (
                "<html lang=zh><head><title>  </title></head><body>x</body></html>",
                1,
            ),
            (&doc("x"), 0),
            // An SVG title is not the page title.
            (
                "<html><head></head><body><svg><title>图标</title></svg></body></html>",
                1,
            ),
        ],
    );
}

#[test]
fn meta_refresh_and_viewport() {
    cases(
        "a11y/meta-refresh",
        &[
            ("<meta http-equiv=refresh content='5;url=/new.html'>", 1),
            ("<meta http-equiv=Refresh content='300'>", 1),
            ("<meta http-equiv=refresh content='0;url=/new.html'>", 0),
            ("<meta http-equiv=refresh content='86400'>", 0),
            ("<meta http-equiv=content-type content='text/html'>", 0),
        ],
    );
    cases(
        "a11y/meta-refresh-no-exceptions",
        &[
            ("<meta http-equiv=refresh content='86400'>", 1),
            ("<meta http-equiv=refresh content='0;url=/x'>", 0),
        ],
    );
    cases(
        "a11y/meta-viewport",
        &[
            (
                "<meta name=viewport content='width=device-width, user-scalable=no'>",
                1,
            ),
            (
                "<meta name=viewport content='width=device-width,maximum-scale=1'>",
                1,
            ),
            (
                "<meta name=viewport content='width=device-width, initial-scale=1'>",
                0,
            ),
            ("<meta name=viewport content='maximum-scale=5'>", 0),
        ],
    );
}

#[test]
fn frames() {
    cases(
        "a11y/frame-title",
        &[
            ("<iframe src=/map.html></iframe>", 1),
            ("<iframe src=/map.html title=' '></iframe>", 1),
            ("<iframe src=/map.html title='县城地图'></iframe>", 0),
            ("<iframe src=/map.html aria-label='县城地图'></iframe>", 0),
            ("<iframe src=/count.html tabindex=-1></iframe>", 0),
            ("<iframe src=/count.html aria-hidden=true></iframe>", 0),
            ("<iframe src=/count.html style='display:none'></iframe>", 0),
        ],
    );
    cases(
        "a11y/frame-title-unique",
        &[
            (
                "<iframe src=/a title='视频'></iframe><iframe src=/b title=' 视频'></iframe>",
                1,
            ),
            (
                "<iframe src=/a title='视频'></iframe><iframe src=/a title='视频'></iframe>",
                0,
            ),
            (
                "<iframe src=/a title='视频一'></iframe><iframe src=/b title='视频二'></iframe>",
                0,
            ),
        ],
    );
}

// ----- links and forms -----------------------------------------------------------------

#[test]
fn link_name() {
    cases(
        "a11y/link-name",
        &[
            ("<a href='#top'><img src=top.png alt=''></a>", 1),
            ("<a href='https://bszs.conac.cn/'><img src=red.png></a>", 1),
            ("<a href=/x></a>", 1),
            ("<a href=/x><span aria-hidden=true>★</span></a>", 1),
            ("<a href=/x>首页</a>", 0),
            (
                "<a href=/x><img src=logo.png alt='党政机关网站标识'></a>",
                0,
            ),
            (
                "<a href='javascript:void(0)' id=cniil_wza title='无障碍'><img src=w.png alt=''></a>",
                0,
            ),
            (
                "<a href=/x aria-label='返回顶部'><i class=icon-top></i></a>",
                0,
            ),
            // Not links, or hidden from assistive technology.
            ("<a name=top></a>", 0),
            ("<a href=/x aria-hidden=true tabindex=-1></a>", 0),
            ("<div hidden><a href=/x></a></div>", 0),
            ("<a href=/x role=button></a>", 0),
        ],
    );
}

#[test]
fn link_ambiguous() {
    cases(
        "a11y/link-ambiguous",
        &[
            (
                "<a href=/news/>更多&gt;&gt;</a><a href=/notice/>更多&gt;&gt;</a>",
                1,
            ),
            (
                "<a href=/a>详细</a><a href=/b>详细</a><a href=/c>详细</a>",
                1,
            ),
            (
                "<a href=/news/ title='更多工作动态'>更多</a><a href=/notice/ title='更多通知公告'>更多</a>",
                0,
            ),
            (
                "<a href=/news/ aria-label='更多工作动态'>更多</a><a href=/notice/>更多</a>",
                0,
            ),
            ("<a href=/news/>更多</a><a href='/news/#x'>更多</a>", 0),
            (
                "<a href=/news/>工作动态</a><a href=/notice/>通知公告</a>",
                0,
            ),
            ("<a href=/news/>更多</a><a href=/notice/ hidden>更多</a>", 0),
        ],
    );
}

#[test]
fn buttons() {
    cases(
        "a11y/button-name",
        &[
            ("<button class=s-btn></button>", 1),
            ("<button><i class='iconfont icon-search'></i></button>", 1),
            ("<button>搜索</button>", 0),
            ("<button aria-label='搜索'><i></i></button>", 0),
            ("<button title='搜索'></button>", 0),
            ("<button><img src=s.png alt='搜索'></button>", 0),
            ("<label>搜索<button></button></label>", 0),
            (
                "<button hidden></button><div aria-hidden=true><button></button></div>",
                0,
            ),
            ("<button disabled role=presentation></button>", 0),
        ],
    );
    cases(
        "a11y/input-button-name",
        &[
            ("<input type=button>", 1),
            ("<input type=submit value=''>", 1),
            ("<input type=button value='查询'>", 0),
            ("<input type=submit>", 0),
            ("<input type=reset>", 0),
            ("<input type=button title='查询'>", 0),
            (
                "<input type=button aria-hidden=true style='display:none'>",
                0,
            ),
        ],
    );
}

#[test]
fn label() {
    cases(
        "a11y/label",
        &[
            (
                "<input type=text name=keyword placeholder='请输入关键字'>",
                1,
            ),
            ("<input type=text name=q>", 1),
            ("<textarea name=content></textarea>", 1),
            ("<input type=checkbox name=agree>", 1),
            ("<label for=q></label><input id=q>", 1),
            (
                "<label for=q style='display:none'>搜索</label><input id=q>",
                1,
            ),
            // Passing: every way of labelling.
            (
                "<label for=q>站内搜索</label><input id=q placeholder='请输入'>",
                0,
            ),
            ("<label>姓名 <input name=name></label>", 0),
            ("<label>同意<input type=checkbox></label>", 0),
            ("<input aria-label='站内搜索'>", 0),
            ("<span id=l>关键字</span><input aria-labelledby=l>", 0),
            ("<input title='站内搜索'>", 0),
            ("<label for=q class=sr-only>站内搜索</label><input id=q>", 0),
            // Not labelled controls, or hidden.
            (
                "<input type=hidden name=t><input type=submit><input type=image src=a.gif alt=a>",
                0,
            ),
            ("<input type=button value=x><input type=reset>", 0),
            ("<div style='display:none'><input name=q></div>", 0),
            ("<input name=q aria-hidden=true tabindex=-1 hidden>", 0),
        ],
    );
    cases(
        "a11y/select-name",
        &[
            ("<select name=links><option>部门网站</option></select>", 1),
            (
                "<select aria-label='部门网站'><option>请选择</option></select>",
                0,
            ),
            (
                "<label>部门网站<select><option>请选择</option></select></label>",
                0,
            ),
            ("<label for=s>部门网站</label><select id=s></select>", 0),
            ("<select title='部门网站'></select>", 0),
            ("<select hidden></select>", 0),
        ],
    );
}

// ----- structure -----------------------------------------------------------------------

#[test]
fn duplicate_ids() {
    cases(
        "a11y/duplicate-id",
        &[
            ("<div id=nav></div><div id=nav></div><div id=nav></div>", 1),
            ("<div id=a></div><div id=b></div>", 0),
            // Referenced ids are the other rule's.
            ("<label for=q>搜索</label><input id=q><input id=q>", 0),
        ],
    );
    cases(
        "a11y/duplicate-id-aria",
        &[
            ("<label for=q>搜索</label><input id=q><input id=q>", 1),
            (
                "<span id=l>标题</span><span id=l>又一个</span><div role=region aria-labelledby=l></div>",
                1,
            ),
            ("<div id=nav></div><div id=nav></div>", 0),
            ("<label for=q>搜索</label><input id=q>", 0),
        ],
    );
}

#[test]
fn headings() {
    cases(
        "a11y/heading-order",
        &[
            ("<h1>标题</h1><h3>一、责任</h3>", 1),
            ("<h2>a</h2><h4>b</h4><h6>c</h6>", 2),
            (
                "<h3>first may be any level</h3><h4>b</h4><h2>c</h2><h3>d</h3>",
                0,
            ),
            (
                "<h1>a</h1><div role=heading aria-level=2>b</div><h3>c</h3>",
                0,
            ),
            ("<h1>a</h1><h3 hidden>x</h3><h2>b</h2>", 0),
            ("<h1>a</h1><h3 aria-hidden=true>x</h3><h2>b</h2>", 0),
            ("<h1>a</h1><h3 role=presentation>x</h3><h2>b</h2>", 0),
        ],
    );
    cases(
        "a11y/empty-heading",
        &[
            ("<h2></h2>", 1),
            ("<h2><img src=t.png></h2>", 1),
            ("<h2><img src=t.png alt='工作动态'></h2>", 0),
            ("<h2 title='工作动态'></h2>", 0),
            ("<h2 hidden></h2><h2 aria-hidden=true></h2>", 0),
        ],
    );
    cases(
        "a11y/page-has-heading-one",
        &[
            (&doc("<h2>x</h2>"), 1),
            (&doc("<h1 hidden>x</h1>"), 1),
            (&doc("<h1>x</h1>"), 0),
            (&doc("<div role=heading aria-level=1>x</div>"), 0),
            (&doc("<h2 aria-level=1>x</h2>"), 0),
            ("<html><frameset><frame src=a.html></frameset></html>", 0),
        ],
    );
}

#[test]
fn lists() {
    cases(
        "a11y/list",
        &[
            ("<ul><a href=/a>x</a></ul>", 1),
            ("<ul><li>a</li><div>b</div></ul>", 1),
            ("<ol>文字<li>a</li></ol>", 1),
            (
                "<ul><li>a</li><script></script><template><p>x</p></template></ul>",
                0,
            ),
            ("<ul><li>a</li><div role=listitem>b</div></ul>", 0),
            ("<ul role=menu><a>x</a></ul>", 0),
            ("<ul><li>a</li><div hidden>b</div></ul>", 0),
        ],
    );
    cases(
        "a11y/listitem",
        &[
            ("<div><li>a</li></div>", 1),
            ("<ul role=navigation><li>a</li></ul>", 1),
            (
                "<ul><li>a</li></ul><ol><li>b</li></ol><menu><li>c</li></menu>",
                0,
            ),
            ("<div role=list><li>a</li></div>", 0),
            ("<ul role=none><li>a</li></ul>", 0),
            ("<div hidden><li>a</li></div>", 0),
        ],
    );
    cases(
        "a11y/definition-list",
        &[
            ("<dl><dt>a</dt><dd>b</dd><p>c</p></dl>", 1),
            ("<dl><dd>b</dd><dt>a</dt></dl>", 1),
            ("<dl><dt>a</dt><dd>b</dd></dl>", 0),
            ("<dl><div><dt>a</dt><dd>b</dd></div></dl>", 0),
            ("<dl role=list><p>x</p></dl>", 0),
        ],
    );
    cases(
        "a11y/dlitem",
        &[
            ("<div><dt>a</dt></div>", 1),
            ("<ul><dd>b</dd></ul>", 1),
            ("<dl><dt>a</dt><dd>b</dd></dl>", 0),
            ("<dl><div><dt>a</dt><dd>b</dd></div></dl>", 0),
        ],
    );
}

#[test]
fn bypass_and_landmarks() {
    cases(
        "a11y/bypass",
        &[
            (
                &doc("<div><a href=/a>首页</a><a href=/b>新闻</a></div><div>正文</div>"),
                1,
            ),
            (
                &doc("<a href='#main'>跳转到主要内容</a><div id=main>正文</div>"),
                0,
            ),
            (&doc("<a href=/a>首页</a><h2>工作动态</h2>"), 0),
            (&doc("<a href=/a>首页</a><main>正文</main>"), 0),
            (&doc("<p>没有链接</p>"), 0),
            // `#/route` and `#!` are not same-page links.
            (&doc("<a href='#/list'>列表</a><a href='#!x'>x</a>"), 1),
        ],
    );
    cases(
        "a11y/landmark-one-main",
        &[
            (&doc("<div>正文</div>"), 1),
            (&doc("<main>正文</main>"), 0),
            (&doc("<div role=main>正文</div>"), 0),
        ],
    );
    cases(
        "a11y/landmark-no-duplicate-banner",
        &[
            (&doc("<header>a</header><header>b</header>"), 1),
            (
                &doc("<header>a</header><article><header>b</header></article>"),
                0,
            ),
        ],
    );
    cases(
        "a11y/landmark-no-duplicate-contentinfo",
        &[
            (&doc("<footer>a</footer><div role=contentinfo>b</div>"), 1),
            (
                &doc("<footer>a</footer><section><footer>b</footer></section>"),
                0,
            ),
        ],
    );
    cases(
        "a11y/landmark-no-duplicate-main",
        &[
            (&doc("<main>a</main><main>b</main>"), 1),
            (&doc("<main>a</main><main hidden>b</main>"), 0),
        ],
    );
    cases(
        "a11y/landmark-banner-is-top-level",
        &[
            (&doc("<main><div role=banner>x</div></main>"), 1),
            (&doc("<header>x</header><main>y</main>"), 0),
        ],
    );
    cases(
        "a11y/landmark-contentinfo-is-top-level",
        &[
            (&doc("<nav><div role=contentinfo>x</div></nav>"), 1),
            (&doc("<footer>x</footer>"), 0),
        ],
    );
    cases(
        "a11y/landmark-main-is-top-level",
        &[
            (&doc("<div role=complementary><main>x</main></div>"), 1),
            (&doc("<main>x</main>"), 0),
        ],
    );
    cases(
        "a11y/landmark-unique",
        &[
            (&doc("<nav>a</nav><nav>b</nav>"), 1),
            (
                &doc("<nav aria-label='栏目'>a</nav><nav aria-label='栏目'>b</nav>"),
                1,
            ),
            (
                &doc("<nav aria-label='主导航'>a</nav><nav aria-label='页脚'>b</nav>"),
                0,
            ),
            (&doc("<nav>a</nav><nav hidden>b</nav>"), 0),
            // An unnamed <form> or <section> is no landmark.
            (
                &doc("<form></form><form></form><section>a</section><section>b</section>"),
                0,
            ),
        ],
    );
}

#[test]
fn keyboard() {
    cases(
        "a11y/tabindex",
        &[
            (
                "<a href=/ tabindex=1>首页</a><a href=/b tabindex='3'>b</a>",
                2,
            ),
            (
                "<a href=/ tabindex=0>首页</a><div tabindex=-1></div><a href=/x tabindex=abc>x</a>",
                0,
            ),
            ("<div hidden><a href=/ tabindex=2>x</a></div>", 0),
        ],
    );
    cases(
        "a11y/accesskeys",
        &[
            (
                "<a href=/ accesskey=h>首页</a><a href=/s accesskey=H>搜索</a>",
                1,
            ),
            (
                "<a href=/ accesskey=h>首页</a><a href=/s accesskey=s>搜索</a>",
                0,
            ),
        ],
    );
}

// ----- tables --------------------------------------------------------------------------

const DATA_TABLE_TD_HEADER: &str = "<table border=1><tr><td>指标</td><td>单位</td><td>2024年</td></tr>\
    <tr><td>地区生产总值</td><td>亿元</td><td>186.4</td></tr><tr><td>固定资产投资</td><td>亿元</td><td>73.9</td></tr></table>";
const DATA_TABLE_TH: &str = "<table><tr><th scope=col>指标</th><th scope=col>单位</th><th scope=col>2024年</th></tr>\
    <tr><th scope=row>地区生产总值</th><td>亿元</td><td>186.4</td></tr><tr><th scope=row>固定资产投资</th><td>亿元</td><td>73.9</td></tr></table>";
const LAYOUT_TABLE: &str = "<table width=1200 border=0><tr><td><img src=logo.png alt='云汀县'></td><td>主办单位：云汀县人民政府</td><td>网站标识码</td></tr></table>";

#[test]
fn td_has_header() {
    cases(
        "a11y/td-has-header",
        &[
            (DATA_TABLE_TD_HEADER, 1),
            (DATA_TABLE_TH, 0),
            (LAYOUT_TABLE, 0),
            // Two rows is not a 3×3 table; role=presentation is layout.
            (
                "<table border=1><tr><td>a</td><td>b</td><td>c</td></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>",
                0,
            ),
            (
                &DATA_TABLE_TD_HEADER
                    .replace("<table border=1>", "<table border=1 role=presentation>"),
                0,
            ),
            // Nested layout tables.
            (
                &format!(
                    "<table><tr><td>{DATA_TABLE_TD_HEADER}</td><td>x</td></tr><tr><td>a</td><td>b</td></tr></table>"
                ),
                1,
            ),
        ],
    );
}

#[test]
fn th_rules() {
    cases(
        "a11y/th-has-data-cells",
        &[
            (
                "<table><tr><td>地区生产总值</td><td>186.4</td></tr><tr><td>固定资产投资</td><td>73.9</td></tr><tr><th>合计</th><th>260.3</th></tr></table>",
                1,
            ),
            // A title row spanning the columns still heads the data below it.
            (
                "<table><tr><th colspan=3>主要经济指标</th></tr><tr><th>指标</th><th>2024</th><th>2025</th></tr><tr><td>GDP</td><td>1</td><td>2</td></tr></table>",
                0,
            ),
            (DATA_TABLE_TH, 0),
            (
                "<table><tr><th id=h>指标</th><th>x</th></tr><tr><td headers=h>1</td><td>2</td></tr></table>",
                0,
            ),
        ],
    );
    cases(
        "a11y/empty-table-header",
        &[
            (
                "<table><tr><th></th><th>2024</th></tr><tr><td>a</td><td>1</td></tr></table>",
                1,
            ),
            (DATA_TABLE_TH, 0),
            (
                "<table><tr><th aria-label='序号'></th><th>x</th></tr></table>",
                0,
            ),
            ("<table hidden><tr><th></th></tr></table>", 0),
        ],
    );
    cases(
        "a11y/scope-attr-valid",
        &[
            ("<table><tr><td scope=col>a</td></tr></table>", 1),
            ("<table><tr><th scope=column>a</th></tr></table>", 1),
            (DATA_TABLE_TH, 0),
        ],
    );
    cases(
        "a11y/td-headers-attr",
        &[
            (
                "<table><tr><th id=a>A</th></tr><tr><td id=b headers=b>1</td></tr></table>",
                1,
            ),
            (
                "<table><tr><th id=a>A</th></tr><tr><td headers=zz>1</td></tr></table>",
                1,
            ),
            (
                "<table><tr><td id=a>A</td></tr><tr><td headers=a>1</td></tr></table>",
                1,
            ),
            (
                "<table><tr><th id=a>A</th></tr><tr><td headers='a'>1</td></tr></table>",
                0,
            ),
            (
                "<table><tr><th id=a>A</th></tr><tr><td headers=''>1</td></tr></table>",
                0,
            ),
        ],
    );
}

// ----- media ---------------------------------------------------------------------------

#[test]
fn media() {
    cases(
        "a11y/video-caption",
        &[
            ("<video src=a.mp4 controls></video>", 1),
            (
                "<video controls><source src=a.mp4><track kind=subtitles src=a.vtt></video>",
                1,
            ),
            (
                "<video src=a.mp4 controls><track kind=captions src=a.vtt srclang=zh></video>",
                0,
            ),
            ("<video src=a.mp4 hidden></video>", 0),
        ],
    );
    cases(
        "a11y/no-autoplay-audio",
        &[
            ("<audio src=bg.mp3 autoplay></audio>", 1),
            ("<video src=v.mp4 autoplay></video>", 1),
            ("<bgsound src=bg.mid loop=-1>", 1),
            ("<embed src=bg.mp3 autostart=true>", 1),
            ("<video src=v.mp4 autoplay muted></video>", 0),
            ("<audio src=bg.mp3 autoplay controls></audio>", 0),
            ("<audio src=bg.mp3></audio>", 0),
            ("<embed src=intro.swf autostart=true>", 0),
        ],
    );
    cases(
        "a11y/marquee",
        &[
            ("<marquee direction=left>热烈庆祝</marquee>", 1),
            ("<div class=marquee>热烈庆祝</div>", 0),
        ],
    );
    cases(
        "a11y/blink",
        &[("<blink>通知</blink>", 1), ("<b>通知</b>", 0)],
    );
}

// ----- ARIA ----------------------------------------------------------------------------

#[test]
fn aria_roles_and_attributes() {
    cases(
        "a11y/aria-roles",
        &[
            ("<div role=navagation>x</div>", 1),
            ("<div role=widget>x</div>", 1),
            ("<div role='foo navigation'>x</div>", 0),
            (
                "<div role=navigation>x</div><div role=doc-toc>y</div><svg role=graphics-document></svg>",
                0,
            ),
            ("<div role=''>x</div>", 0),
            ("<div role=foo aria-hidden=true>x</div>", 0),
        ],
    );
    cases(
        "a11y/aria-valid-attr",
        &[
            ("<div aria-labeledby=x>t</div>", 1),
            ("<div aria-label=x aria-describedby=y>t</div>", 0),
            ("<div aria-foo=1 hidden>t</div>", 0),
        ],
    );
    cases(
        "a11y/aria-valid-attr-value",
        &[
            ("<div aria-hidden=yes>t</div>", 1),
            ("<div role=heading aria-level=two>t</div>", 1),
            (
                "<button aria-controls=nothere aria-expanded=true>菜单</button>",
                1,
            ),
            (
                "<button aria-expanded=false aria-controls=later>菜单</button>",
                0,
            ),
            (
                "<div aria-live=polite aria-relevant='additions text'>t</div>",
                0,
            ),
            (
                "<span id=x>a</span><div aria-describedby='missing x'>t</div>",
                0,
            ),
            ("<div aria-checked=''>t</div>", 0),
        ],
    );
    cases(
        "a11y/aria-required-attr",
        &[
            ("<div role=checkbox>同意</div>", 1),
            ("<div role=slider aria-label=x></div>", 1),
            (
                "<div role=combobox aria-expanded=true aria-label=x></div>",
                1,
            ),
            ("<div role=checkbox aria-checked=false>同意</div>", 0),
            ("<input type=checkbox role=switch aria-label=x>", 0),
            ("<h2 role=heading>x</h2>", 0),
            ("<hr role=separator>", 0),
            ("<div role=separator tabindex=0></div>", 1),
            ("<div role=checkbox aria-hidden=true></div>", 0),
        ],
    );
    cases(
        "a11y/aria-allowed-attr",
        &[
            ("<a href=/ aria-checked=true>x</a>", 1),
            ("<button aria-level=2>x</button>", 1),
            ("<div aria-selected=true>x</div>", 1),
            (
                "<button aria-pressed=true aria-expanded=false>x</button>",
                0,
            ),
            ("<div role=checkbox aria-checked=true>x</div>", 0),
            ("<a href=/ aria-label=x aria-current=page>x</a>", 0),
            (
                "<table role=treegrid><tr aria-level=1 aria-expanded=true><td>x</td></tr></table>",
                0,
            ),
        ],
    );
    cases(
        "a11y/aria-hidden-body",
        &[
            ("<body aria-hidden=true><p>x</p></body>", 1),
            ("<body aria-hidden=false><p>x</p></body>", 0),
            ("<body><div aria-hidden=true>x</div></body>", 0),
        ],
    );
    cases(
        "a11y/aria-hidden-focus",
        &[
            ("<div aria-hidden=true><a href=/a>轮播</a></div>", 1),
            (
                "<div aria-hidden=true><div aria-hidden=true><button>x</button></div></div>",
                1,
            ),
            (
                "<div aria-hidden=true><a href=/a tabindex=-1>轮播</a></div>",
                0,
            ),
            (
                "<div aria-hidden=true><button disabled>x</button><input type=hidden></div>",
                0,
            ),
            (
                "<div aria-hidden=true style='display:none'><a href=/a>x</a></div>",
                0,
            ),
            ("<div aria-hidden=true><a>no href</a></div>", 0),
        ],
    );
    cases(
        "a11y/nested-interactive",
        &[
            ("<button><a href=/x>链接</a></button>", 1),
            (
                "<div role=tab tabindex=0><input type=checkbox aria-label=x></div>",
                1,
            ),
            ("<button><span>文字</span></button>", 0),
            ("<a href=/x><button>b</button></a>", 0),
            ("<button><a href=/x tabindex=-1 hidden>x</a></button>", 0),
        ],
    );
}

// ----- visual --------------------------------------------------------------------------

#[test]
fn color_contrast() {
    // Colours known from inline styles: decided.
    cases(
        "a11y/color-contrast",
        &[
            ("<p style='color:#999;background:#fff'>浅灰色文字</p>", 1),
            (
                "<div style='background-color:#fff'><p style='color:#aaa'>浅灰色文字</p></div>",
                1,
            ),
            ("<p style='color:#767676'>中灰色文字</p>", 0),
            ("<p style='color:#333;background:#fff'>深色文字</p>", 0),
            // Large text needs 3:1 only.
            ("<p style='color:#888;font-size:24px'>大字号</p>", 0),
            (
                "<p style='color:#888;font-size:14pt;font-weight:bold'>粗体大字</p>",
                0,
            ),
            ("<h1 style='color:#888'>一级标题（默认 2em 粗体）</h1>", 0),
            // <style> blocks with simple selectors count too.
            (
                "<style>.date{color:#bbb}</style><p><span class=date>2026-11-20</span></p>",
                1,
            ),
            (
                "<style>#foot p{color:#ccc} #foot{background:#fff}</style><div id=foot><p>版权所有</p></div>",
                1,
            ),
            // Hidden and disabled text is exempt.
            (
                "<p style='color:#eee' hidden>隐藏</p><button disabled style='color:#ccc'>禁用</button>",
                0,
            ),
        ],
    );
    // Uncertain colours: a notice "needs review", never a silent pass.
    let uncertain = [
        "<link rel=stylesheet href=a.css><p style='color:#999'>外部样式表</p>",
        "<p style='color:#999;background:url(bg.png)'>背景图</p>",
        "<div style='opacity:.5'><p style='color:#000'>半透明</p></div>",
        "<style>p:first-child{color:#eee}</style><div><p>选择器</p></div>",
    ];
    for html in uncertain {
        let f = run("a11y/color-contrast", html);
        assert_eq!(f.len(), 1, "{html}: {f:#?}");
        assert_eq!(f[0].severity, Severity::Notice, "{html}");
        assert_eq!(f[0].data["needs_review"], true);
    }
    // The message carries the colours and the ratio.
    let f = run(
        "a11y/color-contrast",
        "<p style='color:#999;background:#fff'>浅灰</p>",
    );
    assert!(
        f[0].message.contains("#999999") && f[0].message.contains("2.84"),
        "{}",
        f[0].message
    );
    assert_eq!(f[0].data["expected"], 4.5);
    cases(
        "a11y/color-contrast-enhanced",
        &[
            ("<p style='color:#767676'>4.54:1</p>", 1),
            ("<p style='color:#595959'>7:1</p>", 0),
        ],
    );
}

#[test]
fn avoid_inline_spacing() {
    let long = "政府信息公开工作年度报告依据条例规定编制，全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等内容。";
    cases(
        "a11y/avoid-inline-spacing",
        &[
            ("<p style='letter-spacing: 1px !important'>文字</p>", 1),
            ("<p style='word-spacing:0 !important'>文字</p>", 1),
            (
                &format!("<p style='line-height:1.2 !important'>{long}</p>"),
                1,
            ),
            ("<p style='line-height:1.2 !important'>短标签</p>", 0),
            ("<p style='letter-spacing: 0.2em !important'>文字</p>", 0),
            ("<p style='letter-spacing: 1px'>文字</p>", 0),
        ],
    );
}

// ----- needs review --------------------------------------------------------------------

#[test]
fn needs_review_rules_are_notices_with_candidates() {
    let text_link = "<link rel=stylesheet href=a.css><p>根据《中华人民共和国政府信息公开条例》，详见<a href=/x>政府信息公开指南</a>的有关规定办理。</p>";
    let f = run("a11y/link-in-text-block", text_link);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Notice);
    assert_eq!(f[0].count, Some(1));
    cases(
        "a11y/link-in-text-block",
        &[
            // Links in lists and menus are not in running text.
            (
                "<link rel=stylesheet href=a.css><ul><li><a href=/a>工作动态</a></li><li><a href=/b>通知公告</a></li></ul>",
                0,
            ),
            // An underline we can see, or no styles at all (browser underline), settle it.
            (
                "<style>p a{text-decoration:underline}</style><p>详见<a href=/x>指南</a>的有关规定，按要求办理相关手续。</p>",
                0,
            ),
            (
                "<p>详见<a href=/x>指南</a>的有关规定，按要求办理相关手续。</p>",
                0,
            ),
        ],
    );
    cases(
        "a11y/target-size",
        &[
            (
                "<a href=/top><img src=top.png alt='返回顶部' width=16 height=16></a>",
                1,
            ),
            (
                "<button aria-label='关闭'><i class=icon-close></i></button>",
                1,
            ),
            (
                "<a href=/><img src=logo.png alt='云汀县' width=360 height=70></a>",
                0,
            ),
            (
                "<a href=/x><img src=i.png alt='' width=18 height=18>粤公网安备</a>",
                0,
            ),
            ("<button>搜索</button>", 0),
        ],
    );
    cases(
        "a11y/scrollable-region-focusable",
        &[
            (
                "<div style='height:200px;overflow:auto'><p>通知一</p><p>通知二</p></div>",
                1,
            ),
            (
                "<style>.box{overflow-y:scroll}</style><div class=box>文字</div>",
                1,
            ),
            ("<div style='overflow:auto' tabindex=0>文字</div>", 0),
            ("<div style='overflow:auto'><a href=/a>通知</a></div>", 0),
            ("<div style='overflow:hidden'>文字</div>", 0),
        ],
    );
}

// ----- the 无障碍 entry ----------------------------------------------------------------

#[test]
fn entry_facts_and_site_rule() {
    use govaudit::rules::a11y::entry::{EntryCollector, detect};
    let p = Page::from_html(
        "<a href='javascript:void(0)' onclick='aria.start()'>无障碍</a><script src='//wza.www.gov.cn/dist/aria.js?appid=44fa773aaaee697bd3f5d0fbfc36bf83'></script>",
        "https://www.example.gov.cn/",
    );
    let d = detect(&p, &["无障碍".into()]);
    assert!(d.accessibility());
    let t = d.toolbar.expect("toolbar");
    assert_eq!(
        (t.name.as_str(), t.host.as_deref()),
        ("aria.js", Some("wza.www.gov.cn"))
    );
    let _ = EntryCollector;
}
