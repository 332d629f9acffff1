from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField

from ..enums import Role
from ..web.forms import CheckboxesField, options


class UserForm(FlaskForm):
    username = StringField(_l("用户名"), description=_l("2–50位字母、数字或 _ . -，登录用"))
    display_name = StringField(_l("显示名"), description=_l("如：县科技局 王科长"))
    roles = CheckboxesField(_l("角色"), choices=options(Role.choices()), validate_choice=False)
    incubators = CheckboxesField(
        _l("负责的孵化载体"),
        choices=[],
        validate_choice=False,
        description=_l("仅对“孵化载体负责人”角色有效"),
    )
    department = StringField(
        _l("所属部门"),
        description=_l("“部门填报人”必填：报告章节和填报数据按部门分配"),
        render_kw={"maxlength": 100},
    )
    active = BooleanField(_l("启用"), default=True)
    version = HiddenField()


class ResetForm(FlaskForm):
    version = HiddenField()
