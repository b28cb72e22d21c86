"""Site chrome: the lines a page prints around its table (copyright, filing numbers, contact and
navigation lines, the …主办 / …承办 footer). Readers never read them as cells or rows."""

from __future__ import annotations

import re

SITE_CHROME = re.compile(
    r"版权所有|ICP|备案号|公网安备|网站标识码|网站地图|联系我们|技术支持|(?:主办|承办)(?:单位)?(?:[:：\s]|$)|"
    r"^(?:扫一扫|打印本页|关闭窗口|【打印】|【关闭】|上一篇|下一篇|分享到)"
)
