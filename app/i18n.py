"""Interface text in Simplified Chinese (default) and English.

Pages call ``t(key)``; the language is chosen in the sidebar and kept in the session. A missing
key falls back to the key itself, which tests catch. The names of labels (``entity.Phone``), link
types (``link.CONTACT``) and link kinds (``linkkind.fact``) are not written here: they are the
domain model's (``graph/core/model.yaml``), the same the court package prints.
"""

from __future__ import annotations

from graph.core.model import LANGUAGES as MODEL_LANGUAGES
from graph.core.model import Names, load_model

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
    "login.invalid": {
        "zh": "用户名或密码错误，或尝试过于频繁，请稍后再试。",
        "en": "Unknown user or wrong password, or too many attempts: try again later.",
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
        "zh": "仅用于本机演示：只有演示模式（LEADGRAPH_DEMO_ACCOUNTS=1，且只在本机 127.0.0.1 访问）"
        "下才能登录，切勿用于真实数据。",
        "en": "Demo only, on this machine: they sign in only in demo mode "
        "(LEADGRAPH_DEMO_ACCOUNTS=1, reached on 127.0.0.1); never use them with real data.",
    },
    "session.signed_in_as": {"zh": "当前用户", "en": "Signed in as"},
    "session.logout": {"zh": "退出登录", "en": "Sign out"},
    "nav.account": {"zh": "修改密码", "en": "Password"},
    "account.must_change": {
        "zh": "您的密码由管理员设置（或为首次登录的一次性密码）：请先设置新密码，之后才能使用其他功能。",
        "en": "An administrator set your password (or it is a one-time password): choose a new "
        "one before anything else.",
    },
    "account.rules": {
        "zh": "新密码至少 {length} 个字符，不能是演示账号的密码，也不能与用户名相同。",
        "en": "At least {length} characters, not a demo password, not your username.",
    },
    "account.current": {"zh": "当前密码", "en": "Current password"},
    "account.new": {"zh": "新密码", "en": "New password"},
    "account.again": {"zh": "再次输入新密码", "en": "New password again"},
    "account.submit": {"zh": "修改密码", "en": "Change password"},
    "account.changed": {"zh": "密码已修改。", "en": "Your password was changed."},
    "account.mismatch": {"zh": "两次输入的新密码不一致。", "en": "The two new passwords differ."},
    "account.refused.too_short": {
        "zh": "新密码至少需要 {length} 个字符。",
        "en": "The new password needs at least {length} characters.",
    },
    "account.refused.demo_password": {
        "zh": "演示账号的密码是公开的，不能使用。",
        "en": "Demo passwords are published: choose another.",
    },
    "account.refused.username": {
        "zh": "密码不能与用户名相同。",
        "en": "The password may not be your username.",
    },
    "account.refused.unchanged": {
        "zh": "新密码不能与当前密码相同。",
        "en": "The new password must differ from the current one.",
    },
    "account.refused.wrong_current": {
        "zh": "当前密码不正确，或尝试过于频繁，请稍后再试。",
        "en": "The current password is wrong, or too many attempts: try again later.",
    },
    "role.analyst": {"zh": "机构分析员", "en": "Analyst"},
    "role.officer": {"zh": "民警", "en": "Officer"},
    "role.admin": {"zh": "管理员", "en": "Admin"},
    "kind.enterprise": {"zh": "金融机构", "en": "Enterprise"},
    "kind.police": {"zh": "公安单位", "en": "Police unit"},
    "kind.counterpart": {"zh": "联盟对方机构", "en": "Alliance counterpart"},
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
    "admin.demo": {"zh": "演示账号（仅演示模式）", "en": "Demo account (demo mode only)"},
    "admin.must_change": {"zh": "待设新密码", "en": "Must choose a password"},
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
    "admin.audit_seal_broken": {
        "zh": "审计日志校验失败：{reason}",
        "en": "The audit log is broken: {reason}",
    },
    "admin.action": {"zh": "操作", "en": "Action"},
    "admin.all": {"zh": "全部", "en": "All"},
    "admin.actor": {"zh": "操作人", "en": "Actor"},
    "admin.limit": {"zh": "条数", "en": "Entries"},
    "admin.time": {"zh": "时间（UTC）", "en": "Time (UTC)"},
    "admin.target": {"zh": "对象", "en": "Target"},
    "admin.details": {"zh": "详情", "en": "Details"},
    "admin.submissions": {"zh": "提交记录", "en": "Submissions"},
    # withdrawing a submission (the admin page and the Submit page; app/views/withdraw.py)
    "withdraw.own_header": {"zh": "本机构的提交", "en": "Your organisation's submissions"},
    "withdraw.none": {"zh": "暂无提交记录。", "en": "No submissions yet."},
    "withdraw.col_rows": {"zh": "写入行数", "en": "Rows loaded"},
    "withdraw.col_withdrawn": {
        "zh": "撤回（时间 · 操作人 · 原因）",
        "en": "Withdrawn (when · by · why)",
    },
    "withdraw.status_loading": {"zh": "写入中", "en": "Loading"},
    "withdraw.status_complete": {"zh": "已写入", "en": "Loaded"},
    "withdraw.status_withdrawing": {"zh": "撤回中（未完成）", "en": "Being withdrawn (unfinished)"},
    "withdraw.status_withdrawn": {"zh": "已撤回", "en": "Withdrawn"},
    "withdraw.status_None": {"zh": "未知", "en": "Unknown"},
    "withdraw.header": {"zh": "撤回提交", "en": "Withdraw a submission"},
    "withdraw.note": {
        "zh": "撤回后，该提交的陈述和来源从图谱中移除，只由它提及的关系和主体一并删除（被线索涉及的主体保留，"
        "相关线索标记为待复核）；其他机构的数据不受影响。提交记录保留并标为已撤回，操作记入审计日志。"
        "同一文件之后可以重新提交。",
        "en": "Withdrawing removes the submission's statements and sources from the graph, and the "
        "links and entities only it named (entities a lead involves stay, and the lead is marked "
        "for review); other organisations' data is untouched. The submission stays, marked "
        "withdrawn, and the audit log records it. The same file can be submitted again later.",
    },
    "withdraw.choose": {"zh": "要撤回的提交", "en": "Submission to withdraw"},
    "withdraw.reason": {"zh": "撤回原因", "en": "Reason"},
    "withdraw.confirm": {
        "zh": "我确认撤回该提交（不可恢复，但可重新提交同一文件）",
        "en": "I confirm: withdraw this submission (it cannot be restored, but the file can be "
        "submitted again)",
    },
    "withdraw.button": {"zh": "撤回", "en": "Withdraw"},
    "withdraw.confirm_first": {"zh": "请先勾选确认。", "en": "Tick the confirmation first."},
    "withdraw.working": {"zh": "正在撤回…", "en": "Withdrawing…"},
    "withdraw.done": {
        "zh": "已撤回 {submission}（{file}）：移除陈述 {statements} 条、来源 {sources} 条。",
        "en": "Withdrew {submission} ({file}): {statements} statements and {sources} sources removed.",
    },
    "withdraw.done_admin": {
        "zh": "删除关系 {links} 条、主体 {entities} 个，因线索保留主体 {kept} 个，{leads} 条线索标记为待复核。",
        "en": "{links} links and {entities} entities removed, {kept} entities kept for leads, "
        "{leads} leads marked for review.",
    },
    # the submit, leads, inbox and search pages, the lead page and the link chart
    "submit.no_org": {
        "zh": "您的账号未关联机构，无法提交线索。",
        "en": "Your account belongs to no organisation, so it cannot submit clues.",
    },
    "submit.intro": {
        "zh": "以 {org} 的名义提交。先校验预览，确认后再写入图谱。",
        "en": "Submitting as {org}. Each file is checked first; nothing is written until you press Ingest.",
    },
    "submit.files": {
        "zh": "线索文件（CSV、Excel、JSON，可多选）",
        "en": "Clue files (CSV, Excel, JSON; several at once)",
    },
    "submit.kind": {"zh": "线索类型", "en": "Kind of clues"},
    "submit.kind_guessed": {
        "zh": "根据表头判断为：{kind}",
        "en": "Guessed from the headers: {kind}",
    },
    "submit.no_guess": {
        "zh": "无法根据表头判断类型，请手动选择。",
        "en": "The headers do not tell the kind; choose it.",
    },
    "submit.rows_read": {"zh": "读取行数", "en": "Rows read"},
    "submit.rows_accepted": {"zh": "通过行数", "en": "Rows accepted"},
    "submit.rows_quarantined": {"zh": "隔离行数", "en": "Rows quarantined"},
    "submit.fields_dropped": {"zh": "舍弃的可选字段值", "en": "Optional values dropped"},
    "lead.closed_reopen_first": {
        "zh": "该线索已结案；如需再次推送，请先说明理由并重新打开。",
        "en": "This lead is closed; to push it again, reopen it first and say why.",
    },
    "lead.reopen_reason": {"zh": "重新打开的理由", "en": "Why it is reopened"},
    "lead.reopen_button": {"zh": "重新打开", "en": "Reopen"},
    "lead.reopened": {"zh": "线索已重新打开。", "en": "The lead was reopened."},
    "submit.download_quarantine": {
        "zh": "下载隔离报告（CSV）",
        "en": "Download the quarantine report (CSV)",
    },
    "submit.ingest": {"zh": "写入图谱", "en": "Ingest"},
    "submit.ingesting": {"zh": "正在写入", "en": "Ingesting"},
    "submit.done": {"zh": "写入完成", "en": "Done"},
    "submit.summary": {
        "zh": "{file}：写入 {loaded} 行，隔离 {quarantined} 行，舍弃 {dropped} 个可选字段值，用时 {seconds} 秒（提交编号 {submission}）",
        "en": "{file}: {loaded} rows loaded, {quarantined} quarantined, {dropped} optional values dropped in {seconds} s (submission {submission})",
    },
    "submit.records": {"zh": "本文件所涉数量", "en": "Named by this file"},
    "submit.stopped_cpu": {
        "zh": "读取此文件超过 {limit} 秒 CPU 时间的上限，已停止。文件过大或结构异常；"
        "大文件请由管理员用 leadgraph ingest 导入。",
        "en": "Reading this file went past the limit of {limit} s of CPU time and was stopped: "
        "the file is too large or malformed. An administrator can ingest a large file with "
        "leadgraph ingest.",
    },
    "submit.stopped_memory": {
        "zh": "读取此文件超过 {limit} 内存的上限，已停止。文件过大或结构异常；"
        "大文件请由管理员用 leadgraph ingest 导入。",
        "en": "Reading this file went past the limit of {limit} of memory and was stopped: "
        "the file is too large or malformed. An administrator can ingest a large file with "
        "leadgraph ingest.",
    },
    "submit.stopped_time": {
        "zh": "读取此文件超过 {limit} 秒的时限，已停止。文件过大或结构异常；"
        "大文件请由管理员用 leadgraph ingest 导入。",
        "en": "Reading this file went past the limit of {limit} s and was stopped: "
        "the file is too large or malformed. An administrator can ingest a large file with "
        "leadgraph ingest.",
    },
    "clue.phones": {"zh": "电话号码", "en": "Phone numbers"},
    "clue.firms": {"zh": "咨询公司", "en": "Firms"},
    "clue.complaints": {"zh": "投诉记录", "en": "Complaints"},
    "clue.accounts": {"zh": "代理账号", "en": "Agent accounts"},
    "clue.calls": {"zh": "通话记录", "en": "Call records"},
    "quarantine.file": {"zh": "文件", "en": "File"},
    "quarantine.row": {"zh": "行号", "en": "Row"},
    "quarantine.field": {"zh": "字段", "en": "Field"},
    "quarantine.value": {"zh": "值", "en": "Value"},
    "quarantine.reason": {"zh": "原因", "en": "Reason"},
    "quarantine.outcome": {"zh": "处理", "en": "Outcome"},
    "quarantine.refused": {"zh": "整行隔离", "en": "row refused"},
    "quarantine.dropped": {"zh": "舍弃该值，其余写入", "en": "value dropped, row loaded"},
    "lead.none": {"zh": "暂无可见的候选线索。", "en": "No leads you may see yet."},
    "lead.filter_status": {"zh": "按状态筛选", "en": "Filter by status"},
    "lead.filter_all": {"zh": "全部状态", "en": "All statuses"},
    "lead.open": {"zh": "打开线索", "en": "Open a lead"},
    "lead.score": {"zh": "评分", "en": "Score"},
    "lead.status": {"zh": "状态", "en": "Status"},
    "lead.size": {"zh": "主体数", "en": "Entities"},
    "lead.complaints": {"zh": "投诉数", "en": "Complaints"},
    "lead.span": {"zh": "时间跨度", "en": "Date span"},
    "lead.reasons": {"zh": "主要依据", "en": "Top reasons"},
    "lead.summary": {"zh": "摘要", "en": "Summary"},
    "lead.tab_chart": {"zh": "关系图", "en": "Link chart"},
    "lead.tab_evidence": {"zh": "证据表", "en": "Evidence"},
    "lead.tab_texts": {"zh": "投诉文本", "en": "Complaint texts"},
    "lead.tab_explanation": {"zh": "评分说明", "en": "Score explanation"},
    "lead.tab_feedback": {"zh": "反馈与记录", "en": "Feedback and history"},
    "lead.entities": {"zh": "主体", "en": "Entities"},
    "lead.links": {"zh": "关系及来源", "en": "Links and their sources"},
    "lead.submissions": {"zh": "来源提交", "en": "Source submissions"},
    "lead.col_rank": {"zh": "排名", "en": "Rank"},
    "lead.col_title": {"zh": "线索", "en": "Lead"},
    "lead.col_feedback": {"zh": "反馈数", "en": "Feedback"},
    "lead.col_type": {"zh": "类型", "en": "Type"},
    "lead.col_key": {"zh": "标识", "en": "Key"},
    "lead.col_name": {"zh": "名称", "en": "Name"},
    "lead.col_first": {"zh": "首次出现", "en": "First seen"},
    "lead.col_masked": {"zh": "已脱敏", "en": "Masked"},
    "lead.col_from": {"zh": "起点", "en": "From"},
    "lead.col_link": {"zh": "关系", "en": "Link"},
    "lead.col_to": {"zh": "终点", "en": "To"},
    "lead.col_kind": {"zh": "性质", "en": "Kind"},
    "lead.col_sources": {"zh": "来源（提交#行）", "en": "Sources (submission#row)"},
    "lead.col_submission": {"zh": "提交编号", "en": "Submission"},
    "lead.col_file": {"zh": "文件", "en": "File"},
    "lead.col_org": {"zh": "提交机构", "en": "Organisation"},
    "lead.col_received": {"zh": "接收时间", "en": "Received"},
    "lead.statements": {"zh": "各方陈述", "en": "Statements by party"},
    "lead.statements_help": {
        "zh": "多个机构对同一主体给出了不同的值：每个机构的陈述分别保留，互不覆盖。",
        "en": "Several organisations stated values about the same entity: each party's "
        "statement is kept as it gave it, none overwrites another.",
    },
    "lead.col_forwarded": {"zh": "代为转办", "en": "Forwarded for"},
    "lead.col_values": {"zh": "所述值", "en": "Values stated"},
    "lead.col_entity": {"zh": "主体", "en": "Entity"},
    "lead.col_feature": {"zh": "特征", "en": "Feature"},
    "lead.col_value": {"zh": "取值", "en": "Value"},
    "lead.col_contribution": {"zh": "得分贡献", "en": "Contribution"},
    "lead.col_term": {"zh": "话术", "en": "Term"},
    "lead.texts_note": {
        "zh": "橙色标出识别到的代理维权话术（含谐音、拼音、拆字等变体）；按模板簇分组。",
        "en": "Slang found (including disguised forms) is highlighted in orange; texts are grouped by template cluster.",
    },
    "lead.template": {
        "zh": "模板簇 {cluster}（全库 {size} 件，本线索 {here} 件）",
        "en": "Template cluster {cluster} ({size} complaints in all, {here} in this lead)",
    },
    "lead.no_template": {
        "zh": "未归入模板簇（{here} 件）",
        "en": "In no template cluster ({here})",
    },
    "lead.ties": {"zh": "为何归为同一团伙", "en": "Why these belong together"},
    "lead.col_a": {"zh": "主体甲", "en": "Entity A"},
    "lead.col_b": {"zh": "主体乙", "en": "Entity B"},
    "lead.col_why": {"zh": "关联依据", "en": "Tied by"},
    "lead.col_weight": {"zh": "强度", "en": "Weight"},
    "lead.slang": {"zh": "话术出现次数", "en": "Slang in the lead's complaints"},
    "lead.complainants": {"zh": "投诉人", "en": "Complainants"},
    "lead.lenders": {"zh": "涉及机构", "en": "Lenders"},
    "lead.disguised": {"zh": "含变体话术的投诉", "en": "Complaints with disguised slang"},
    "lead.no_feedback": {"zh": "暂无民警反馈。", "en": "No feedback from officers yet."},
    "lead.review": {
        "zh": "待复核：此线索所依据的提交已被撤回 —— {details}",
        "en": "Needs review: a submission this lead rests on was withdrawn — {details}",
    },
    "lead.review_by": {"zh": "操作人 {by}", "en": "by {by}"},
    "lead.history": {"zh": "流转记录", "en": "History"},
    "lead.accept": {"zh": "采纳", "en": "Accept"},
    "lead.accept_button": {
        "zh": "采纳为线索并保存摘要",
        "en": "Accept as a lead and save the summary",
    },
    "lead.accepted": {"zh": "已采纳为本机构线索。", "en": "Accepted as your organisation's lead."},
    "lead.already_accepted": {"zh": "已由 {by} 采纳。", "en": "Accepted by {by}."},
    "lead.push": {"zh": "推送", "en": "Push"},
    "lead.accept_first": {
        "zh": "请先采纳该候选线索，再推送。",
        "en": "Accept the candidate before pushing it.",
    },
    "lead.push_to": {"zh": "推送给", "en": "Push to"},
    "lead.push_officer": {"zh": "民警", "en": "An officer"},
    "lead.push_unit": {"zh": "公安单位", "en": "A police unit"},
    "lead.target": {"zh": "接收方", "en": "Recipient"},
    "lead.note": {"zh": "附言", "en": "Note"},
    "lead.push_button": {"zh": "推送线索", "en": "Push the lead"},
    "lead.pushed": {"zh": "已推送给 {target}。", "en": "Pushed to {target}."},
    "lead.notify_sent": {"zh": "通知已发出。", "en": "Notifications sent."},
    "lead.notify_no_channel": {
        "zh": "未配置通知渠道（webhook 或邮件），接收方可在收件箱中看到该线索。",
        "en": "No notification channel (webhook or email) is configured; the recipient sees the "
        "lead in the inbox.",
    },
    "lead.notify_queued": {
        "zh": "通知已排队，稍后重试发送。",
        "en": "Notifications are queued and will be retried.",
    },
    "inbox.empty": {
        "zh": "暂无推送给您或您单位的线索。",
        "en": "No leads have been pushed to you or your unit.",
    },
    "inbox.counts": {
        "zh": "共 {total} 条，未读 {unread} 条",
        "en": "{total} leads, {unread} unread",
    },
    "inbox.col_read": {"zh": "未读", "en": "Unread"},
    "inbox.unread": {"zh": "● 未读", "en": "● unread"},
    "inbox.col_pushed": {"zh": "推送时间", "en": "Pushed at"},
    "inbox.feedback": {"zh": "处置状态与反馈", "en": "Status and feedback"},
    "inbox.outcome": {"zh": "结案结果（结案时必填）", "en": "Outcome (needed to close)"},
    "inbox.feedback_text": {"zh": "反馈内容", "en": "Feedback"},
    "inbox.send": {"zh": "提交反馈", "en": "Send"},
    "inbox.sent": {
        "zh": "反馈已提交，机构分析员可见。",
        "en": "Sent; the analysts of the lead's organisation will see it.",
    },
    "inbox.export": {"zh": "证据包", "en": "Court package"},
    "inbox.export_note": {
        "zh": "导出签名的证据包（关系图、证据表、来源、清单），导出操作记入审计日志。",
        "en": "A signed package (chart, tables, sources, manifest); every export is written to the audit log.",
    },
    "inbox.export_button": {"zh": "生成证据包", "en": "Export"},
    "inbox.exporting": {"zh": "正在生成证据包…", "en": "Writing the package…"},
    "inbox.download": {"zh": "下载证据包（zip）", "en": "Download the package (zip)"},
    "search.find_tab": {"zh": "检索与关系圈", "en": "Find and neighbourhood"},
    "search.paths_tab": {"zh": "两点路径", "en": "Paths between two"},
    "search.query": {
        "zh": "手机号、身份证号、人名、公司名称或统一社会信用代码、账号、投诉编号、"
        "微信/QQ/网址等联系方式",
        "en": "Phone, ID number, person's name, firm name or code, account, complaint id, "
        "or a contact (WeChat, QQ, link …)",
    },
    "search.help": {
        "zh": "手机号可带 0086、+86、空格或横线；身份证号可带空格、小写 x（只按其加密散列比对，"
        "不保存原号）；公司名称可近似匹配；账号如 douyin:@handle、@handle 或主页链接；"
        "联系方式如 wechat:abc123、qq:12345678、telegram:name、domain:example.com、"
        "email:a@example.com，或照原文粘贴（“加微 abc123”、网址）。",
        "en": "Phones in any form (0086, +86, spaces, dashes); ID numbers with spaces or a "
        "lower-case x (matched by their keyed hash, never kept); firm names match approximately; "
        "accounts like douyin:@handle, @handle or a profile link; "
        "contacts like wechat:abc123, qq:12345678, telegram:name, domain:example.com, "
        "email:a@example.com, or pasted as written (加微 abc123, a link).",
    },
    "search.col_match": {"zh": "近似匹配", "en": "Near match"},
    "search.match": {"zh": "{score}%（{name}）", "en": "{score}% ({name})"},
    "search.fuzzy_note": {
        "zh": "近似匹配：输入名称的字符按顺序出现在该公司名称中的比例（名称先统一写法），"
        "至少 70% 才列出。",
        "en": "Near match: the share of the typed name's characters found in order in the "
        "firm's name (both names normalised); listed from 70%.",
    },
    "search.button": {"zh": "检索", "en": "Search"},
    # one entity's profile (app/views/entity.py)
    "nav.entity": {"zh": "实体档案", "en": "Entity profile"},
    "entity.open": {"zh": "打开档案", "en": "Open profile"},
    "entity.none": {
        "zh": "请从检索结果、线索或图中选择一个实体打开其档案。",
        "en": "Open an entity's profile from a search result, a lead or a chart.",
    },
    "entity.masked_note": {
        "zh": "该实体并非由本机构提交：仅显示脱敏后的标识，不显示其他机构的取值。",
        "en": "Your org did not state this entity: it is shown masked, without other parties' values.",
    },
    "entity.identity": {"zh": "标识与取值", "en": "Identity and values"},
    "entity.col_field": {"zh": "字段", "en": "Field"},
    "entity.col_value": {"zh": "取值", "en": "Value"},
    "entity.statements": {"zh": "各方陈述（谁、何时）", "en": "Statements (who said it, when)"},
    "entity.statements_own": {
        "zh": "仅显示本机构的陈述；其他机构的取值不予显示。",
        "en": "Your org's statements only; other parties' values are not shown.",
    },
    "entity.links": {"zh": "关系（按类型）", "en": "Links by type"},
    "entity.hub": {
        "zh": "该实体关系过多，仅显示部分关系。",
        "en": "This entity has many links: only some are shown.",
    },
    "entity.col_direction": {"zh": "方向", "en": "Direction"},
    "entity.open_linked": {"zh": "打开关联实体的档案", "en": "Open the profile of a linked entity"},
    "entity.submissions": {"zh": "提及该实体的提交", "en": "Submissions that name it"},
    "entity.leads": {"zh": "所在线索", "en": "Leads it is in"},
    "entity.col_lead": {"zh": "线索编号", "en": "Lead"},
    "entity.col_title": {"zh": "标题", "en": "Title"},
    "entity.score": {"zh": "中介评分", "en": "Intermediary score"},
    "entity.not_scored": {
        "zh": "未评分（投诉人不足，或非本机构提交的实体）。",
        "en": "Not scored (too few complainants, or not stated by your org).",
    },
    "entity.service": {
        "zh": "服务号码（如热线），不参与评分。",
        "en": "A service number (such as a hotline): not scored.",
    },
    "search.nothing": {
        "zh": "在您的权限范围内没有找到。",
        "en": "Nothing found within your rights.",
    },
    "search.entity": {"zh": "查看关系圈", "en": "Neighbourhood of"},
    "search.hops": {"zh": "跳数", "en": "Hops"},
    "search.hidden": {
        "zh": "另有 {count} 个主体超出您的权限，未显示。",
        "en": "{count} more entities are outside your rights and not shown.",
    },
    "search.truncated": {
        "zh": "已达到数量上限，结果不完整。",
        "en": "A cap was reached; the result is incomplete.",
    },
    "search.hubs": {"zh": "高连接节点未展开：{keys}", "en": "Hubs not expanded: {keys}"},
    "search.shortest_only": {
        "zh": "一端为高连接节点，只查找最短路径。",
        "en": "One end is a hub: only the shortest paths were searched for.",
    },
    "search.from": {"zh": "起点", "en": "From"},
    "search.to": {"zh": "终点", "en": "To"},
    "search.max_hops": {"zh": "最多跳数", "en": "Most hops"},
    "search.trace": {"zh": "查找路径", "en": "Find paths"},
    "search.ends_missing": {
        "zh": "起点或终点在您的权限范围内未找到。",
        "en": "One end was not found within your rights.",
    },
    "search.between": {"zh": "{a} 与 {b} 之间的路径", "en": "Paths between {a} and {b}"},
    "search.paths_hidden": {
        "zh": "另有 {count} 条路径经过您无权查看的主体，未显示。",
        "en": "{count} more paths pass through entities outside your rights and are not shown.",
    },
    "search.no_paths": {"zh": "在限制范围内没有找到路径。", "en": "No path within the limits."},
    "search.path": {"zh": "路径 {number}（{hops} 跳）", "en": "Path {number} ({hops} hops)"},
    "chart.masked": {"zh": "（部分信息已脱敏）", "en": "(partly masked)"},
    "chart.shown": {
        "zh": "显示 {shown} / {total} 个主体，{links} 条关系",
        "en": "{shown} of {total} entities, {links} links",
    },
    "chart.more": {"zh": "显示更多", "en": "Show more"},
    "chart.open_profile": {"zh": "打开主体档案", "en": "Open profile"},
    "chart.help": {
        "zh": "双击节点展开其一跳关系；选中后按 Delete 从图中移除（仅屏幕）；点击或按住 Shift 点击节点加入选择。",
        "en": "Double-click a node to expand it by one hop; select and press Delete to remove it "
        "(screen only); click or shift-click nodes to add them to the selection.",
    },
    "chart.expanded": {
        "zh": "已展开 {key}：新增 {count} 个主体。",
        "en": "Expanded {key}: {count} new entities.",
    },
    "chart.hub": {
        "zh": "{key} 是高连接节点（{degree} 条关系），未展开；可单独查看其档案。",
        "en": "{key} is a hub ({degree} links) and was not walked into; open its profile instead.",
    },
    "chart.selection": {"zh": "已选主体", "en": "Selected entities"},
    "chart.selection_none": {
        "zh": "点击图中节点加入选择，或在此选择",
        "en": "Click nodes in the chart to select them, or choose here",
    },
    "chart.add_to_lead": {"zh": "作为证据加入线索", "en": "Add to lead as evidence"},
    "chart.added": {
        "zh": "已加入线索：{count} 个主体。",
        "en": "Added to the lead: {count} entities.",
    },
    "chart.export": {"zh": "导出所选（CSV）", "en": "Export selection (CSV)"},
    # entity.<label>, link.<type> and linkkind.<kind> are the domain model's names (below);
    # these two are reasons why a ring's entities belong together, not links of the model.
    "link.SAME_COMPLAINT": {"zh": "同一投诉中出现", "en": "named in the same complaints"},
    "link.SAME_PEOPLE": {"zh": "涉及相同投诉人", "en": "deal with the same people"},
    "link.CONTACT_IN_BIO": {"zh": "简介中出现同一联系方式", "en": "same handle in its bio"},
    "link.CONTACT_IN_COMPLAINTS": {
        "zh": "投诉中出现同一联系方式",
        "en": "same handle in the complaints naming it",
    },
    "lead.contact_ties": {"zh": "共用的联系方式", "en": "Shared contact handles"},
    "lead.contact_tie": {
        "zh": "{members}中出现同一{label} {handle}",
        "en": "{members} give the same {label} {handle}",
    },
    "lead.contact_in_bio": {"zh": "{entity} 的简介", "en": "the bio of {entity}"},
    "lead.contact_in_complaints": {
        "zh": "{entity} 的 {count} 件投诉",
        "en": "{count} complaints naming {entity}",
    },
    "lead.col_field": {"zh": "所在字段", "en": "Field"},
    "lead.list_sep": {"zh": "、", "en": "; "},
    "lead.col_surface": {"zh": "原文", "en": "As written"},
    "status.candidate": {"zh": "候选", "en": "Candidate"},
    "status.lead": {"zh": "已采纳", "en": "Accepted"},
    "status.pushed": {"zh": "已推送", "en": "Pushed"},
    "status.acknowledged": {"zh": "已签收", "en": "Acknowledged"},
    "status.investigating": {"zh": "侦查中", "en": "Investigating"},
    "status.closed": {"zh": "已结案", "en": "Closed"},
    "status.stale": {"zh": "已失效", "en": "Stale"},
    "status.dismissed": {"zh": "已搁置", "en": "Dismissed"},
    "lead.triage": {"zh": "分拣", "en": "Triage"},
    "lead.filter_mine": {"zh": "只看分配给我的", "en": "Assigned to me"},
    "lead.col_assigned": {"zh": "负责人", "en": "Assigned to"},
    "lead.dismiss_reason": {"zh": "搁置理由", "en": "Why it is dismissed"},
    "lead.dismiss_button": {"zh": "搁置", "en": "Dismiss"},
    "lead.dismissed": {
        "zh": "线索已搁置（可恢复）。",
        "en": "The lead was dismissed (it can be restored).",
    },
    "lead.dismissed_by": {"zh": "已由 {by} 搁置：{reason}", "en": "Dismissed by {by}: {reason}"},
    "lead.dismissed_restore_first": {
        "zh": "线索已搁置；恢复后才能采纳。",
        "en": "The lead is dismissed; restore it before accepting it.",
    },
    "lead.restore_button": {"zh": "恢复", "en": "Restore"},
    "lead.restored": {"zh": "线索已恢复。", "en": "The lead was restored."},
    "lead.assign_to": {"zh": "分配给", "en": "Assign to"},
    "lead.assign_button": {"zh": "分配", "en": "Assign"},
    "lead.assigned": {"zh": "已分配。", "en": "Assigned."},
    "inbox.case": {"zh": "案件信息", "en": "Case"},
    "inbox.case_ref": {"zh": "案件编号", "en": "Case number"},
    "inbox.reviewing_officer": {"zh": "审核民警", "en": "Reviewing officer"},
    "inbox.case_save": {"zh": "保存案件信息", "en": "Save case"},
    "inbox.case_saved": {
        "zh": "案件信息已保存，将印在证据包封面上。",
        "en": "Saved; it is printed on the package cover.",
    },
    "outcome.confirmed": {"zh": "查证属实", "en": "Confirmed"},
    "outcome.arrested": {"zh": "已抓获", "en": "Arrested"},
    "outcome.no_action": {"zh": "不予处理", "en": "No action"},
    "outcome.need_more_info": {"zh": "需补充材料", "en": "Need more info"},
    "feature.complainants": {"zh": "关联投诉人数", "en": "complainants"},
    "feature.lenders": {"zh": "涉及机构数", "en": "lenders"},
    "feature.template_share": {"zh": "模板化投诉占比", "en": "share of templated complaints"},
    "feature.disguise_rate": {"zh": "变体话术比例", "en": "disguised slang rate"},
    "feature.agent_text_share": {"zh": "中介口吻文本占比", "en": "share of agent-like texts"},
    "feature.calls_to_complainants": {"zh": "与投诉人通话", "en": "calls to complainants"},
    "feature.advertised": {"zh": "网络账号发布", "en": "advertised online"},
    "feature.consulting_scope": {"zh": "咨询类经营范围", "en": "consulting business scope"},
    "feature.shared_legal_rep": {"zh": "共用法定代表人", "en": "shared legal representative"},
    "feature.contact_tie": {"zh": "共用联系方式", "en": "shared contact handle"},
    "feature.firm_age_years": {
        "zh": "首次被投诉时成立年限（年）",
        "en": "firm's age at first complaint (years)",
    },
    "notes.header": {"zh": "工作备注（非证据）", "en": "Working notes (not evidence)"},
    "notes.not_evidence": {
        "zh": "备注仅本机构（或本单位）成员可见，不是证据：不进入证据表、关系图和评分；"
        "仅在有权接收的数据包中作为标明的附件导出。",
        "en": "Notes are seen by your own org or unit only. They are not evidence: never in "
        "the evidence tables, the chart or the scores; exported only as a labelled annex to "
        "an audience entitled to them.",
    },
    "notes.none": {"zh": "暂无备注。", "en": "No notes yet."},
    "notes.new": {"zh": "新备注", "en": "New note"},
    "notes.add": {"zh": "添加备注", "en": "Add note"},
    "notes.text": {"zh": "备注内容", "en": "Note"},
    "notes.change": {"zh": "修改", "en": "Change"},
    "notes.save": {"zh": "保存", "en": "Save"},
    "notes.delete": {"zh": "删除", "en": "Delete"},
    "notes.edited": {"zh": "修改于", "en": "edited"},
    # timelines (app/views/timeline.py) and time-ordered paths (app/views/search.py)
    "timeline.header": {"zh": "时间线", "en": "Timeline"},
    "timeline.none": {"zh": "暂无带日期的事件。", "en": "No dated events."},
    "timeline.type.complaint": {"zh": "投诉", "en": "Complaints"},
    "timeline.type.call": {"zh": "通话", "en": "Calls"},
    "timeline.type.account": {"zh": "账号活动", "en": "Account activity"},
    "timeline.type.submission": {"zh": "提交批次", "en": "Submissions"},
    "timeline.type.lead": {"zh": "线索进展", "en": "Lead history"},
    "timeline.time": {"zh": "时间", "en": "Time"},
    "timeline.type": {"zh": "事件类型", "en": "Event type"},
    "timeline.label": {"zh": "事件", "en": "Event"},
    "timeline.source": {"zh": "来源", "en": "Source"},
    "timeline.band": {"zh": "标记时段", "en": "Marked period"},
    "timeline.period": {"zh": "时段", "en": "Period"},
    "timeline.help": {
        "zh": "在时间线上拖动选择时段，或在此输入起止日期；下方的关系图和表格只显示该时段内发生的内容。",
        "en": "Drag over the timeline to pick a period, or type its first and last day here; "
        "the chart and tables below then show what happened in it.",
    },
    "timeline.all": {"zh": "显示全部时间", "en": "All of time"},
    "timeline.filtered": {
        "zh": "时段 {start} – {end}：显示 {shown} / {total} 个实体。",
        "en": "Period {start} – {end}: {shown} of {total} entities shown.",
    },
    "timeline.installation": {
        "zh": "全库时间线（每日事件数）",
        "en": "Installation timeline (events a day)",
    },
    "timeline.window": {"zh": "统计时段", "en": "Days counted"},
    "search.in_time_order": {"zh": "按时间顺序", "en": "In time order"},
    "search.in_time_order_help": {
        "zh": "只保留各步日期从不倒退的路径（通话与投诉链）。",
        "en": "Keep only paths whose steps never go back in time (calls, complaint chains).",
    },
    "search.max_gap_days": {"zh": "相邻两步最大间隔（天）", "en": "Max gap days"},
    "search.in_time_order_note": {
        "zh": "按时间顺序：每一步的日期不早于上一步。",
        "en": "In time order: each step is dated no earlier than the one before.",
    },
    "search.col_last": {"zh": "最后日期", "en": "Last seen"},
    "feature.burst": {"zh": "投诉激增", "en": "complaint surge"},
    "feature.burst_value": {
        "zh": "{start} 至 {end}（{weeks} 周）{count} 件，基线 {baseline} 件/周",
        "en": "{start} to {end} ({weeks} wk): {count} complaints, baseline {baseline}/week",
    },
    "entity.bursts": {"zh": "投诉激增", "en": "Complaint surges"},
    "entity.no_bursts": {"zh": "未发现投诉激增。", "en": "No complaint surge."},
    "entity.bursts_method": {
        "zh": "按周统计投诉，与本主体此前最多 12 周的周均值比较：一周不少于 5 件、达到基线 3 倍、"
        "且泊松尾概率低于万分之一，记为激增；相邻激增周合并为一段。仅计您有权查看的投诉。",
        "en": "Complaints are counted per week against the entity's own mean of up to 12 "
        "earlier weeks: a week with at least 5, at least 3 times the baseline and a Poisson "
        "tail probability under 1 in 10,000 is a surge; adjacent surge weeks form one period. "
        "Only the complaints you may see are counted.",
    },
    "nav.updates": {"zh": "关注动态", "en": "Updates"},
    "watch.watch": {"zh": "关注", "en": "Watch"},
    "watch.unwatch": {"zh": "取消关注", "en": "Stop watching"},
    "watch.notify": {"zh": "有新情况时通知我", "en": "Notify me"},
    "watch.watching": {
        "zh": "已关注：新情况显示在“关注动态”页。",
        "en": "Watching: news shows on the Updates page.",
    },
    "watch.watching_notify": {
        "zh": "已关注：新情况显示在“关注动态”页，并通知您。",
        "en": "Watching: news shows on the Updates page, and you are notified.",
    },
    "watch.type_entity": {"zh": "主体", "en": "Entity"},
    "watch.type_lead": {"zh": "线索", "en": "Lead"},
    "watch.type_search": {"zh": "检索", "en": "Search"},
    "watch.search_caption": {
        "zh": "关注此检索：新提交中出现的结果",
        "en": "Watch this search: results in new submissions",
    },
    "updates.none": {"zh": "您关注的对象暂无新情况。", "en": "Nothing new on what you watch."},
    "updates.no_watches": {
        "zh": "您尚未关注任何对象。可在主体档案、线索页或检索页点击“关注”。",
        "en": "You watch nothing yet: use Watch on an entity's profile, a lead or a search.",
    },
    "updates.values": {"zh": "新陈述", "en": "stated"},
    "updates.col_when": {"zh": "时间", "en": "When"},
    "updates.col_entity": {"zh": "主体", "en": "Entity"},
    "updates.col_what": {"zh": "新情况", "en": "What changed"},
    "updates.col_watch": {"zh": "关注项", "en": "Watch"},
    "updates.open_entity": {"zh": "打开主体档案", "en": "Open an entity's profile"},
    "updates.lead": {"zh": "线索", "en": "Lead"},
    "updates.mark_seen": {"zh": "全部标为已读", "en": "Mark all as seen"},
    "updates.watches": {"zh": "我的关注", "en": "What I watch"},
    "updates.watches_none": {"zh": "暂无关注。", "en": "Nothing watched."},
    # the admin page's lead control (app/views/admin_leads.py)
    "admin.leads": {"zh": "线索分派", "en": "Leads"},
    "admin.lead_state": {
        "zh": "状态：{status} · 所属机构：{owner} · 已分配：{assigned}",
        "en": "Status: {status} · owner: {owner} · assigned: {assigned}",
    },
    "admin.assign_analyst": {
        "zh": "分配给（负责分拣的机构的分析员）",
        "en": "Assign to (an analyst of an org that triages it)",
    },
    "admin.unassign": {"zh": "（取消分配）", "en": "(no one)"},
    "admin.case_after_push": {
        "zh": "线索推送给民警后，才能填写案件编号和审核民警。",
        "en": "The case number and reviewing officer are set once the lead is pushed.",
    },
    "alerts.title": {"zh": "提醒", "en": "Alerts"},
    "alerts.none": {"zh": "暂无提醒。", "en": "No alerts."},
    "alerts.kind_candidate": {"zh": "新候选线索超过阈值", "en": "New candidate over the threshold"},
    "alerts.kind_evidence": {"zh": "已推送线索有新证据", "en": "New evidence on a pushed lead"},
    "alerts.unread": {"zh": "未读", "en": "unread"},
    "alerts.score": {"zh": "评分", "en": "score"},
    "alerts.counts_candidate": {
        "zh": "投诉 {complaints} 条，投诉人 {complainants} 人，成员 {members} 个",
        "en": "{complaints} complaints, {complainants} complainants, {members} members",
    },
    "alerts.counts_evidence": {
        "zh": "新情况涉及主体 {entities} 个：新陈述 {statements} 条，新关系 {links} 条，新投诉 {complaints} 条",
        "en": "new facts on {entities} entities: {statements} statements, {links} links, "
        "{complaints} complaints",
    },
    "alerts.open": {"zh": "打开线索", "en": "Open the lead"},
    # the analysis job queue (graph/workflow/jobs.py): the Submit page's progress, the status page
    "submit.analysis": {"zh": "分析进度", "en": "Analysis"},
    "submit.analysis_queued": {"zh": "{file}：排队等待分析", "en": "{file}: queued for analysis"},
    "submit.analysis_running": {
        "zh": "{file}：分析中 {percent}%",
        "en": "{file}: analysing, {percent}%",
    },
    "submit.analysis_done": {
        "zh": "{file}：已完成：新候选线索 {created} 条，更新 {updated} 条，失效 {stale} 条",
        "en": "{file}: done: {created} new candidates, {updated} updated, {stale} retired",
    },
    "submit.analysis_failed": {
        "zh": "{file}：分析失败，请联系管理员",
        "en": "{file}: the analysis failed; please tell an admin",
    },
    "submit.analysis_none": {"zh": "{file}：尚未排队分析", "en": "{file}: not queued yet"},
    "submit.analysis_refresh": {"zh": "刷新", "en": "Refresh"},
    "status.jobs": {"zh": "分析任务", "en": "Analysis jobs"},
    "status.jobs_empty": {"zh": "没有分析任务。", "en": "No analysis jobs."},
    "jobs.status": {"zh": "状态", "en": "Status"},
    "jobs.submission": {"zh": "提交批次", "en": "Submission"},
    "jobs.progress": {"zh": "进度", "en": "Progress"},
    "jobs.attempts": {"zh": "尝试次数", "en": "Attempts"},
    "jobs.queued_at": {"zh": "排队时间", "en": "Queued"},
    "jobs.finished_at": {"zh": "完成时间", "en": "Finished"},
    "jobs.created": {"zh": "新候选", "en": "New candidates"},
    "jobs.error": {"zh": "错误", "en": "Error"},
    "jobstatus.queued": {"zh": "排队中", "en": "Queued"},
    "jobstatus.running": {"zh": "分析中", "en": "Running"},
    "jobstatus.done": {"zh": "已完成", "en": "Done"},
    "jobstatus.failed": {"zh": "失败", "en": "Failed"},
    # learning from outcomes (graph/evidence/rerank.py)
    "feature.ring_kinds": {"zh": "团伙主体种类", "en": "kinds of member"},
    "rerank.title": {"zh": "学习后的排序", "en": "Learned ranking"},
    "rerank.col_hand": {"zh": "手工权重贡献", "en": "Hand contribution"},
    "rerank.col_learned": {"zh": "学习后贡献", "en": "Learned contribution"},
    "rerank.col_value": {"zh": "线索特征值", "en": "Lead's value"},
    "rerank.model": {
        "zh": "排序：学习模型 v{version}（{labels} 个标签：{positives} 正、{negatives} 负，训练于 {trained_at}），学习后得分 {rank_score}",
        "en": "Ranking: learned model v{version} ({labels} labels: {positives} positive, {negatives} negative, trained {trained_at}); learned score {rank_score}",
    },
    "rerank.hand": {
        "zh": "排序：手工权重（{reason}）",
        "en": "Ranking: hand weights ({reason})",
    },
    "rerank.order_learned": {
        "zh": "按学习后的得分排序（模型 v{version}，{labels} 个标签）。",
        "en": "Ordered by the learned score (model v{version}, {labels} labels).",
    },
    "rerank.order_hand": {
        "zh": "按手工权重评分排序。",
        "en": "Ordered by the hand-weighted score.",
    },
    "rerank.train_button": {
        "zh": "用结案结果重新训练排序",
        "en": "Retrain the ranking from outcomes",
    },
    "rerank.trained": {
        "zh": "已训练模型 v{version}：{labels} 个标签。{reason}",
        "en": "Trained model v{version}: {labels} labels. {reason}",
    },
    "nav.alliance": {"zh": "联盟比对", "en": "Alliance"},
    "alliance.intro": {
        "zh": "与其他机构的 LeadGraph 比对号码、账户、企业或联系方式，双方都不交出自己的名单"
        "（可用不可见）。文件须由对方签名，且对方已在本机受信任。",
        "en": "Match phones, accounts, firms or contacts with other institutions' LeadGraph "
        "without either handing over its list. Files are signed; only trusted installations "
        "are answered.",
    },
    "alliance.identity": {
        "zh": "本机在联盟中的名称：{name}；指纹：{fingerprint}",
        "en": "This installation in the alliance: {name}; fingerprint: {fingerprint}",
    },
    "alliance.tab_ask": {"zh": "发起比对", "en": "Prepare a request"},
    "alliance.tab_answer": {"zh": "应答请求", "en": "Answer a request"},
    "alliance.tab_result": {"zh": "读取结果", "en": "Read a result"},
    "alliance.tab_runs": {"zh": "比对记录与受信机构", "en": "Runs and trusted installations"},
    "alliance.set": {"zh": "比对的集合", "en": "Set"},
    "alliance.set_phones": {"zh": "手机号码", "en": "Phones"},
    "alliance.set_accounts": {"zh": "账户", "en": "Accounts"},
    "alliance.set_firms": {"zh": "企业", "en": "Firms"},
    "alliance.set_contacts": {"zh": "联系方式", "en": "Contacts"},
    "alliance.set_watchlist": {"zh": "监控名单文件", "en": "Watchlist file"},
    "alliance.mode": {"zh": "方式", "en": "Mode"},
    "alliance.mode_intersection": {"zh": "交集（哪些）", "en": "Intersection (which ones)"},
    "alliance.mode_cardinality": {"zh": "仅计数（多少）", "en": "Count only (how many)"},
    "alliance.counterpart": {"zh": "对方机构", "en": "Counterpart"},
    "alliance.watchlist": {
        "zh": "监控名单（CSV 或文本，每格一个号码、统一社会信用代码或实体键）",
        "en": "Watchlist (CSV or text: a number, USCC or entity key a cell)",
    },
    "alliance.watchlist_missing": {
        "zh": "请先上传监控名单文件。",
        "en": "Upload the watchlist file first.",
    },
    "alliance.force": {
        "zh": "与先前请求相近也照样发送（会记入审计）",
        "en": "Send it even if close to an earlier request (audited)",
    },
    "alliance.prepare": {"zh": "生成请求文件", "en": "Prepare the request file"},
    "alliance.prepared": {
        "zh": "请求 {run_id}：{size} 项。请把文件交给对方机构。",
        "en": "Request {run_id}: {size} items. Send the file to the counterpart.",
    },
    "alliance.download_request": {"zh": "下载请求文件", "en": "Download the request file"},
    "alliance.no_trusted": {
        "zh": "本机尚未信任任何机构：管理员先用 `leadgraph alliance trust FILE --name NAME` "
        "导入对方的身份文件（指纹须经电话等其他渠道核对）。",
        "en": "No installation is trusted here yet: an admin imports the counterpart's identity "
        "file with `leadgraph alliance trust FILE --name NAME` (fingerprint compared by "
        "another channel).",
    },
    "alliance.request_file": {"zh": "对方的请求文件", "en": "The counterpart's request file"},
    "alliance.answer": {"zh": "生成应答文件", "en": "Answer it"},
    "alliance.answered": {
        "zh": "已应答 {counterpart} 的请求 {run_id}（对方 {request_size} 项，本方 {size} 项）。"
        "本方不会得知匹配项或其数量。",
        "en": "Answered {counterpart}'s request {run_id} ({request_size} items theirs, {size} "
        "ours). This side learns neither the matches nor their number.",
    },
    "alliance.download_response": {"zh": "下载应答文件", "en": "Download the response file"},
    "alliance.response_file": {"zh": "对方的应答文件", "en": "The counterpart's response file"},
    "alliance.read": {"zh": "读取结果", "en": "Read the result"},
    "alliance.count": {
        "zh": "本方 {size} 项中有 {count} 项为 {counterpart} 所知（对方 {their_size} 项）。",
        "en": "{count} of this side's {size} items are known to {counterpart} "
        "({their_size} theirs).",
    },
    "alliance.count_only": {
        "zh": "计数方式：只得知数量，不得知是哪些。",
        "en": "Count mode: the number only, not which ones.",
    },
    "alliance.matched": {"zh": "匹配的实体", "en": "Matched entities"},
    "alliance.listed": {
        "zh": "名单中匹配、但本库没有的项",
        "en": "Watchlist items matched that this graph does not hold",
    },
    "alliance.hidden": {
        "zh": "另有 {hidden} 项匹配的实体不在您的查看权限内，仅计数。",
        "en": "{hidden} more matched entities are outside what you may see: counted only.",
    },
    "alliance.col_entity": {"zh": "实体", "en": "Entity"},
    "alliance.col_kind": {"zh": "类型", "en": "Kind"},
    "alliance.matches_note": {
        "zh": "匹配只是“对方也知道”的提示，已作为比对链接记入图谱，不是事实。",
        "en": "A match says the counterpart knows it too; it is recorded as a match link, "
        "never as a fact.",
    },
    "alliance.runs": {"zh": "本机发起的比对", "en": "Runs asked from here"},
    "alliance.no_runs": {"zh": "尚无比对。", "en": "No runs yet."},
    "alliance.trusted": {"zh": "受信任的机构", "en": "Trusted installations"},
    "alliance.col_run": {"zh": "编号", "en": "Run"},
    "alliance.col_created": {"zh": "发起时间", "en": "Asked"},
    "alliance.col_counterpart": {"zh": "对方", "en": "Counterpart"},
    "alliance.col_mode": {"zh": "方式", "en": "Mode"},
    "alliance.col_set": {"zh": "集合", "en": "Set"},
    "alliance.col_size": {"zh": "项数", "en": "Items"},
    "alliance.col_finished": {"zh": "完成时间", "en": "Finished"},
    "alliance.col_count": {"zh": "匹配数", "en": "Matches"},
    "alliance.col_by": {"zh": "发起人", "en": "By"},
    "alliance.col_name": {"zh": "名称", "en": "Name"},
    "alliance.col_fingerprint": {"zh": "指纹", "en": "Fingerprint"},
    "alliance.col_trusted_at": {"zh": "信任时间", "en": "Trusted at"},
}


def _model_texts() -> dict[str, dict[str, str]]:
    """``entity.<label>``, ``link.<type>`` and ``linkkind.<kind>`` from the domain model."""
    model = load_model()

    def both(names: Names) -> dict[str, str]:
        return {language: names.get(language) for language in MODEL_LANGUAGES}

    texts = {f"entity.{label}": both(node.names) for label, node in model.nodes.items()}
    texts |= {f"link.{link_type}": both(link.names) for link_type, link in model.links.items()}
    texts |= {f"linkkind.{kind}": both(entry.names) for kind, entry in model.kinds.items()}
    return texts


TEXTS |= _model_texts()


def translate(key: str, language: str = DEFAULT_LANGUAGE) -> str:
    entry = TEXTS.get(key)
    if entry is None:
        return key
    return entry.get(language) or entry[DEFAULT_LANGUAGE]
