"""Interface text in Simplified Chinese (default) and English.

Pages call ``t(key)``; the language is chosen in the sidebar and kept in the session. A missing
key falls back to the key itself, which tests catch.
"""

from __future__ import annotations

LANGUAGES = {"zh": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"

TEXTS: dict[str, dict[str, str]] = {
    "app.title": {"zh": "LeadGraph 警企线索图谱工作台", "en": "LeadGraph intelligence workbench"},
    "nav.status": {"zh": "数据库状态", "en": "Database status"},
    "status.header": {"zh": "图数据库状态", "en": "Graph database status"},
    "status.server": {"zh": "服务器", "en": "Server"},
    "status.schema": {"zh": "模式版本", "en": "Schema version"},
    "status.nodes": {"zh": "节点总数", "en": "Nodes"},
    "status.links": {"zh": "关系总数", "en": "Relationships"},
    "status.by_label": {"zh": "按类型统计的节点", "en": "Nodes by label"},
    "status.by_type": {"zh": "按类型统计的关系", "en": "Relationships by type"},
    "status.unavailable": {"zh": "无法连接图数据库", "en": "The graph database is not reachable"},
    "common.language": {"zh": "语言", "en": "Language"},
    "common.count": {"zh": "数量", "en": "Count"},
    "common.label": {"zh": "类型", "en": "Label"},
    # accounts, login, navigation and the admin page
    "common.failed": {"zh": "操作失败", "en": "Failed"},
    "nav.login": {"zh": "登录", "en": "Sign in"},
    "nav.submit": {"zh": "提交线索", "en": "Submit clues"},
    "nav.leads": {"zh": "候选线索", "en": "Candidate leads"},
    "nav.inbox": {"zh": "线索收件箱", "en": "Inbox"},
    "nav.search": {"zh": "检索与追踪", "en": "Search and trace"},
    "nav.admin": {"zh": "系统管理", "en": "Admin"},
    "placeholder.coming": {"zh": "此页面即将上线。", "en": "This page is coming soon."},
    "login.header": {"zh": "登录", "en": "Sign in"},
    "login.username": {"zh": "用户名", "en": "Username"},
    "login.password": {"zh": "密码", "en": "Password"},
    "login.submit": {"zh": "登录", "en": "Sign in"},
    "login.invalid": {"zh": "用户名或密码错误。", "en": "Unknown user or wrong password."},
    "login.locked": {
        "zh": "登录失败次数过多，账号已锁定至 {until}（UTC）。",
        "en": "Too many failed sign-ins: the account is locked until {until} (UTC).",
    },
    "login.disabled": {
        "zh": "该账号已停用，请联系管理员。",
        "en": "This account is disabled; ask an administrator.",
    },
    "login.timed_out": {
        "zh": "长时间未操作，会话已结束，请重新登录。",
        "en": "Your session timed out; please sign in again.",
    },
    "login.ended": {
        "zh": "会话已结束（账号已停用）。",
        "en": "Your session has ended (the account was disabled).",
    },
    "login.demo": {"zh": "演示账号", "en": "Demo accounts"},
    "login.demo_note": {
        "zh": "仅用于演示环境，切勿用于真实数据（LEADGRAPH_DEMO_ACCOUNTS=0 可关闭）。",
        "en": "Demo only: never use them with real data (LEADGRAPH_DEMO_ACCOUNTS=0 turns them off).",
    },
    "session.signed_in_as": {"zh": "当前用户", "en": "Signed in as"},
    "session.logout": {"zh": "退出登录", "en": "Sign out"},
    "role.analyst": {"zh": "机构分析员", "en": "Analyst"},
    "role.officer": {"zh": "民警", "en": "Officer"},
    "role.admin": {"zh": "管理员", "en": "Admin"},
    "kind.enterprise": {"zh": "金融机构", "en": "Enterprise"},
    "kind.police": {"zh": "公安单位", "en": "Police unit"},
    "admin.users": {"zh": "用户", "en": "Users"},
    "admin.orgs": {"zh": "机构与单位", "en": "Orgs and units"},
    "admin.audit": {"zh": "审计日志", "en": "Audit log"},
    "admin.username": {"zh": "用户名", "en": "Username"},
    "admin.display_name": {"zh": "姓名", "en": "Display name"},
    "admin.role": {"zh": "角色", "en": "Role"},
    "admin.org": {"zh": "机构/单位", "en": "Org or unit"},
    "admin.state": {"zh": "状态", "en": "State"},
    "admin.last_login": {"zh": "最近登录", "en": "Last sign-in"},
    "admin.active": {"zh": "正常", "en": "Active"},
    "admin.disabled": {"zh": "已停用", "en": "Disabled"},
    "admin.locked": {"zh": "已锁定", "en": "Locked"},
    "admin.add_user": {"zh": "新增用户", "en": "Add user"},
    "admin.password_optional": {
        "zh": "密码（留空则自动生成）",
        "en": "Password (leave empty to generate one)",
    },
    "admin.user_added": {"zh": "已新增用户 {username}。", "en": "Added user {username}."},
    "admin.generated_password": {
        "zh": "自动生成的密码（仅显示一次，请通过安全渠道告知用户）：",
        "en": "Generated password (shown once; pass it on over a safe channel):",
    },
    "admin.disable_enable": {"zh": "停用或启用账号", "en": "Disable or enable an account"},
    "admin.disable": {"zh": "停用", "en": "Disable"},
    "admin.enable": {"zh": "启用（并解除锁定）", "en": "Enable (and unlock)"},
    "admin.kind": {"zh": "类别", "en": "Kind"},
    "admin.members": {"zh": "成员数", "en": "Members"},
    "admin.add_org": {"zh": "新增机构或单位", "en": "Add an org or unit"},
    "admin.org_added": {"zh": "已新增 {name}。", "en": "Added {name}."},
    "admin.verify": {"zh": "校验审计日志", "en": "Verify the audit log"},
    "admin.audit_ok": {
        "zh": "审计日志完整：共 {entries} 条，链头哈希 {head}",
        "en": "The audit log is intact: {entries} entries, head hash {head}",
    },
    "admin.audit_broken": {
        "zh": "审计日志已被篡改：第 {seq} 条 —— {reason}",
        "en": "The audit log is broken at entry {seq}: {reason}",
    },
    "admin.action": {"zh": "操作", "en": "Action"},
    "admin.all": {"zh": "全部", "en": "All"},
    "admin.actor": {"zh": "操作人", "en": "Actor"},
    "admin.limit": {"zh": "条数", "en": "Entries"},
    "admin.time": {"zh": "时间（UTC）", "en": "Time (UTC)"},
    "admin.target": {"zh": "对象", "en": "Target"},
    "admin.details": {"zh": "详情", "en": "Details"},
}


def translate(key: str, language: str = DEFAULT_LANGUAGE) -> str:
    entry = TEXTS.get(key)
    if entry is None:
        return key
    return entry.get(language) or entry[DEFAULT_LANGUAGE]
