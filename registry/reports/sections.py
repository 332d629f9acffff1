"""The chapters of the implementation report (一…九), as the seed report names them; indicators and the
drafted DOCX are grouped by these."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SECTIONS = {
    "一": _l("着力促进创新创业环境升级"),
    "二": _l("加快推动创新创业发展动力升级"),
    "三": _l("持续推进创业带动就业能力升级"),
    "四": _l("深入推动科技创新支撑能力升级"),
    "五": _l("大力促进创新创业平台服务升级"),
    "六": _l("进一步完善创新创业金融服务"),
    "七": _l("加快构筑创新创业发展高地"),
    "八": _l("切实打通政策落实“最后一公里”"),
    "九": _l("下步工作措施"),
}
