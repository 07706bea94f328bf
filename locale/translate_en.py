"""Fill the English catalog from a dictionary and normalise both catalogs' headers.

The source strings (msgids) are Chinese: zh-hans is the source language, so its catalog keeps
every msgstr empty (gettext then shows the msgid). The English catalog takes its translations
from ``ENGLISH`` below (msgid -> English; a (singular, plural) pair for plural entries).

Rerun after adding strings to the code::

    .venv/bin/python manage.py makemessages -l en -l zh_Hans --no-obsolete \\
        --ignore=.venv --ignore=var --ignore=test-artifacts --ignore=benchmarks --ignore=tests
    .venv/bin/python locale/translate_en.py

It lists the msgids that have no English yet (add them to ``ENGLISH``) and translations whose
%-placeholders differ from their source, and exits with status 1 when there are any.
Run from any directory; it finds the catalogs next to itself.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent
HEADERS = {
    "en": {"Language": "en", "Plural-Forms": "nplurals=2; plural=(n != 1);"},
    "zh_Hans": {"Language": "zh_Hans", "Plural-Forms": "nplurals=1; plural=0;"},
}
COMMON_HEADERS = {
    "Project-Id-Version": "Wangge",
    "Language-Team": "Wangge",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
}
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[a-zA-Z%]|\{[^{}]*\}")

Translation = str | tuple[str, str]

# Terms: 网格 grid, 微网格 micro-grid, 社区 community, 街道 sub-district, 区 district,
# 网格长 grid leader, 网格员 grid worker, 楼栋长 building head, 督导员 supervisor,
# 公示牌 public notice board, 便民联系卡 contact card, 处置单位 handling organisation.
ENGLISH: dict[str, Translation] = {
    # accounts
    "有效期": "Validity",
    "当前有效": "Currently valid",
    "未生效或已失效": "Not yet valid or expired",
    "不能分配权限超出自己的角色。": "You cannot grant permissions beyond those of your own roles.",
    "个人信息": "Personal information",
    "权限": "Permissions",
    "重要日期": "Important dates",
    "账号与权限": "Accounts and permissions",
    "网格员": "Grid worker",
    "楼栋长": "Building head",
    "网格长": "Grid leader",
    "督导员": "Supervisor",
    "社区工作人员": "Community staff",
    "街道调度员": "Sub-district dispatcher",
    "街道领导": "Sub-district leader",
    "部门处置人员": "Department case handler",
    "物业处置人员": "Property management case handler",
    "区域管理员": "Area administrator",
    "专职或兼职网格员：巡查、走访、登记、上报。":
        "Full-time or part-time grid worker: patrols, home visits, registration and reporting.",
    "负责一栋或几栋楼的信息与联络。":
        "Keeps the information on one or more buildings and the contact with their residents.",
    "负责网格的统筹，管理网格服务团队。": "Coordinates the grid and manages its service team.",
    "督导若干网格的工作。": "Supervises the work of several grids.",
    "社区两委与工作人员：汇总、派单给物业。":
        "Community Party and residents' committee members and staff: collect reports and pass cases to "
        "property management.",
    "街道网格中心：派单、督办。": "Sub-district grid centre: dispatches cases and follows them up.",
    "查看街道全部网格、统计与日志。": "Sees all the sub-district's grids, statistics and logs.",
    "职能部门、执法中队的处置人员。": "Case handlers in government departments and law enforcement squads.",
    "物业公司的处置人员。": "Case handlers in property management companies.",
    "管理所辖区域的边界、团队、单位、账号与日志。":
        "Manages the boundaries, teams, organisations, accounts and logs of their areas.",
    "姓名": "Name",
    "手机号": "Mobile number",
    "用户": "User",
    "代码": "Code",
    "名称": "Name",
    "说明": "Description",
    "排序": "Sort order",
    "角色": "Role",
    "区域": "Area",
    "开始日期": "Start date",
    "结束日期": "End date",
    "角色分配": "Role assignment",
    "结束日期不能早于开始日期。": "The end date cannot be earlier than the start date.",
    "物业公司": "Property management company",
    "综合执法中队": "Comprehensive law enforcement squad",
    "供电": "Power supply",
    "消防": "Fire and rescue",
    "住建": "Housing and urban-rural development",
    "民政": "Civil affairs",
    "派出所": "Police station",
    "城管": "Urban management",
    "司法所": "Judicial office",
    "卫健": "Health commission",
    "市场监管": "Market regulation",
    "供水": "Water supply",
    "燃气": "Gas supply",
    "街道办事处": "Sub-district office",
    "社区居委会": "Residents' committee",
    "其他": "Other",
    "类别": "Category",
    "所属区域": "Managing area",
    "管理这个单位的区域（通常是区或街道）。":
        "The area that manages this organisation (usually a district or sub-district).",
    "服务区域": "Areas served",
    "值班电话": "Duty phone",
    "地址": "Address",
    "有效": "Active",
    "处置单位": "Handling organisation",
    "单位": "Organisation",
    "职务": "Position",
    "单位成员": "Organisation member",
    "专职网格员": "Full-time grid worker",
    "兼职网格员": "Part-time grid worker",
    "网格党小组长": "Grid Party group leader",
    "民警": "Police officer",
    "协管员": "Auxiliary officer",
    "辖区单位联络员": "Local organisation liaison",
    "网格": "Grid",
    "岗位": "Post",
    "联系电话": "Phone",
    "账号": "Account",
    "派出单位": "Seconding organisation",
    "所属部门": "Department",
    "协管员、联络员的派出部门或单位。": "The department or organisation that sends an auxiliary officer or liaison.",
    "负责范围": "Responsible for",
    "党员": "Party member",
    "上岗日期": "Start of duty",
    "离岗日期": "End of duty",
    "网格团队成员": "Grid team member",
    "服务团队只能配置在网格或微网格上。": "A service team can only be assigned to a grid or micro-grid.",
    # areas: admin and models
    "状态": "Status",
    "在用": "In use",
    "已撤销": "Retired",
    "边界": "Boundary",
    "启用与撤销": "Period in use",
    "有边界": "Has boundary",
    "从 GeoJSON 导入边界": "Import boundaries from GeoJSON",
    "尚无边界。": "No boundary yet.",
    "类型": "Type",
    "范围（经度, 纬度）": "Extent (longitude, latitude)",
    "更新时间": "Updated",
    "导出边界（GeoJSON）": "Export boundary (GeoJSON)",
    "区域与网格": "Areas and grids",
    "省": "Province",
    "市": "City",
    "区": "District",
    "街道": "Sub-district",
    "社区": "Community",
    "微网格": "Micro-grid",
    "编码只能由数字组成。": "A code may contain digits only.",
    "%(level)s编码应为%(n)d位数字。": "A %(level)s code must have %(n)d digits.",
    "%(level)s编码末尾应补零。": "A %(level)s code must be padded with zeros at the end.",
    "网格和微网格的顺序号不能为000。": "The sequence number of a grid or micro-grid cannot be 000.",
    "本级编码段不能全为零。": "This level's part of the code cannot be all zeros.",
    "上级区域的层级必须高于本区域。": "The parent area must be at a higher level than this area.",
    "编码必须以上级区域的编码开头。": "The code must start with the parent area's code.",
    "综合网格": "Comprehensive grid",
    "专属网格": "Dedicated grid",
    "网格特色标签": "Grid feature tag",
    "编码": "Code",
    "层级": "Level",
    "上级区域": "Parent area",
    "网格类型": "Grid type",
    "仅网格和微网格填写。": "Only for grids and micro-grids.",
    "服务单位": "Served unit",
    "专属网格所服务的单位，如学校、医院、园区。":
        "The unit a dedicated grid serves, such as a school, hospital or business park.",
    "特色标签": "Feature tags",
    "目标户数": "Household target",
    "地址/四至": "Address / boundaries",
    "边界(GeoJSON, WGS-84)": "Boundary (GeoJSON, WGS-84)",
    "启用日期": "In use from",
    "撤销日期": "Retired on",
    "可以导入和导出边界": "Can import and export boundaries",
    "可以管理网格服务团队": "Can manage grid service teams",
    "%(name)s（%(code)s）": "%(name)s (%(code)s)",
    "区域编码一经设定不可修改。": "An area code cannot be changed once it is set.",
    "只有网格和微网格才有网格类型。": "Only grids and micro-grids have a grid type.",
    "专属网格必须填写所服务的单位。": "A dedicated grid must name the unit it serves.",
    "撤销日期不能早于启用日期。": "The retirement date cannot be earlier than the date the area came into use.",
    # areas: boundary import and export
    "不认识的层级：%(value)s（可用 区、街道、社区、网格、微网格）":
        "Unknown level: %(value)s (use district, street, community, grid or microgrid, "
        "or 区, 街道, 社区, 网格, 微网格)",
    "文件不是有效的 JSON：%(error)s": "The file is not valid JSON: %(error)s",
    "文件必须是 GeoJSON 的 FeatureCollection（要素集合）。": "The file must be a GeoJSON FeatureCollection.",
    "文件中没有任何要素（features 为空）。": "The file contains no features (features is empty).",
    "文件声明的坐标系是 %(declared)s，与所选的 %(chosen)s 不一致。":
        "The file declares the coordinate system %(declared)s, which differs from the chosen %(chosen)s.",
    "网格类型应为 综合网格(comprehensive) 或 专属网格(dedicated)。":
        "The grid type must be comprehensive (综合网格) or dedicated (专属网格).",
    "目标户数应为不小于 0 的整数。": "The household target must be a whole number of at least 0.",
    "特色标签应为标签代码或名称的列表。": "Feature tags must be a list of tag codes or names.",
    "不认识的特色标签：%(tags)s。": "Unknown feature tags: %(tags)s.",
    "要素格式不对：必须是带 properties 的 Feature。": "Malformed feature: it must be a Feature with properties.",
    "缺少属性 %(key)s。": "The property %(key)s is missing.",
    "缺少属性 parent（上级区域编码）。": "The property parent (the parent area's code) is missing.",
    "编码重复：与第 %(n)d 个要素相同。": "Duplicate code: the same as feature %(n)d.",
    "上级区域 %(code)s 既不在文件中，也不在系统中。":
        "The parent area %(code)s is neither in the file nor in the system.",
    "系统中该区域是%(level)s，层级不能通过导入修改。":
        "This area is recorded at the level “%(level)s”; an import cannot change its level.",
    "系统中该区域的上级是 %(code)s，上级不能通过导入修改。":
        "This area's recorded parent is %(code)s; an import cannot change its parent.",
    "您无权管理区域 %(code)s 的边界。": "You are not allowed to manage the boundary of area %(code)s.",
    "系统中的区域 %(code)s": "existing area %(code)s",
    "同一上级下名称“%(name)s”重复（与%(other)s）。":
        "The name “%(name)s” is used twice under the same parent (also by %(other)s).",
    "第 %(n)d 个要素": "feature %(n)d",
    "超出上级区域 %(parent)s 的边界约 %(metres).1f 米（允许误差 %(tolerance)g 米）。":
        "Extends about %(metres).1f m beyond the boundary of the parent area %(parent)s "
        "(tolerance %(tolerance)g m).",
    "系统中的下级区域 %(child)s 会超出新边界约 %(metres).1f 米，请在同一文件中一并调整它的边界。":
        "The existing child area %(child)s would extend about %(metres).1f m beyond the new boundary; "
        "adjust its boundary in the same file.",
    "与%(other)s重叠约 %(area).0f 平方米。": "Overlaps %(other)s by about %(area).0f m².",
    "第 %(n)d 个要素 %(code)s": "feature %(n)d (%(code)s)",
    "系统中的同级区域 %(code)s": "existing sibling area %(code)s",
    "保存时与其他人同时进行的修改冲突，没有保存任何数据，请重新导入。":
        "Saving clashed with a change someone else was making at the same time. Nothing was saved; "
        "please import the file again.",
    "按文件中的声明（未声明时为 WGS-84）": "As declared in the file (WGS-84 if not declared)",
    "WGS-84（GPS、天地图）": "WGS-84 (GPS, Tianditu)",
    "GCJ-02（高德、腾讯地图）": "GCJ-02 (Amap, Tencent Maps)",
    "BD-09（百度地图）": "BD-09 (Baidu Maps)",
    "GeoJSON 文件": "GeoJSON file",
    "坐标系": "Coordinate system",
    "只检查，不保存": "Check only, do not save",
    "勾选后只生成检查报告，不修改任何数据。": "When ticked, only a check report is produced and no data is changed.",
    "文件太大：最大 %(mb)d MB。": "The file is too large: the maximum is %(mb)d MB.",
    "缺少参数 %(name)s（%(label)s）。": "The parameter %(name)s (%(label)s) is missing.",
    "参数 %(name)s（%(label)s）必须是数字。": "The parameter %(name)s (%(label)s) must be a number.",
    "请先登录。": "Please log in first.",
    "纬度": "latitude",
    "经度": "longitude",
    "不认识的坐标系：%(name)s（可用 WGS-84、GCJ-02、BD-09）":
        "Unknown coordinate system: %(name)s (use WGS-84, GCJ-02 or BD-09)",
    "边界自相交": "the boundary intersects itself",
    "边界线自身相交": "the boundary line crosses itself",
    "点数太少": "too few points",
    "内环（洞）不在外环之内": "an inner ring (hole) lies outside the outer ring",
    "内环相互嵌套": "inner rings are nested in each other",
    "内部被分割成不相连的部分": "the interior is split into disconnected parts",
    "多个外环相互嵌套": "outer rings are nested in each other",
    "存在重复的环": "a ring is repeated",
    "坐标无效": "invalid coordinates",
    "环没有闭合": "a ring is not closed",
    "坐标点格式不对，应为 [经度, 纬度]。": "Malformed coordinate: it must be [longitude, latitude].",
    "坐标必须是数字。": "Coordinates must be numbers.",
    "坐标超出范围：%(lng)s, %(lat)s（经度在前，纬度在后）。":
        "Coordinate out of range: %(lng)s, %(lat)s (longitude first, then latitude).",
    "边界环格式不对。": "Malformed boundary ring.",
    "点数太少：每个边界环至少要有 3 个不同的顶点，并以起点收尾（共 4 个点以上）。":
        "Too few points: each boundary ring needs at least 3 distinct vertices and must end at its "
        "starting point (4 points or more).",
    "边界环没有闭合：最后一个点必须与第一个点相同。":
        "The boundary ring is not closed: the last point must be the same as the first.",
    "缺少边界，或边界不是 Polygon / MultiPolygon。": "The boundary is missing, or is not a Polygon / MultiPolygon.",
    "边界没有坐标。": "The boundary has no coordinates.",
    "多边形无效：%(reason)s，位置约在 %(where)s。": "Invalid polygon: %(reason)s, at about %(where)s.",
    "多边形无效：%(reason)s。": "Invalid polygon: %(reason)s.",
    "该位置不在任何网格内。": "This location is not inside any grid.",
    "坐标超出范围：纬度应在 -90 到 90 之间，经度应在 -180 到 180 之间。":
        "Coordinates out of range: latitude must be between -90 and 90, longitude between -180 and 180.",
    "没有编码为 %(code)s 的区域。": "There is no area with the code %(code)s.",
    "已导出 %(n)d 个要素到 %(path)s。": "Exported %(n)d features to %(path)s.",
    "没有名为 %(name)s 的有效用户。": "There is no active user named %(name)s.",
    "整个文件": "Whole file",
    "文件未导入：发现 %(n)d 个问题，没有保存任何数据。":
        "The file was not imported: %(n)d problems found, nothing was saved.",
    "无法读取文件 %(name)s：%(error)s": "Cannot read the file %(name)s: %(error)s",
    "检查通过（只检查，未保存）：正式导入将新建 %(created)d 个、更新 %(updated)d 个区域，"
    "%(unchanged)d 个没有变化（坐标系 %(system)s）。":
        "Check passed (checked only, nothing saved): the import would create %(created)d and update "
        "%(updated)d areas, %(unchanged)d unchanged (coordinate system %(system)s).",
    "导入成功：新建 %(created)d 个、更新 %(updated)d 个区域，%(unchanged)d 个没有变化（坐标系 %(system)s）。":
        "Import succeeded: %(created)d areas created, %(updated)d updated, %(unchanged)d unchanged "
        "(coordinate system %(system)s).",
    # areas: pages
    "分页": "Pagination",
    "第 %(start)s–%(end)s 条，共 %(total)s 条": "%(start)s–%(end)s of %(total)s",
    "上一页": "Previous",
    "下一页": "Next",
    "所属部门/单位": "Department / organisation",
    "尚未配置服务团队。": "No service team has been set up yet.",
    "网格化服务管理公示牌": "Grid Service and Management Public Notice Board",
    "返回网格页面": "Back to the grid page",
    "A4 纵向打印；请在打印设置中选择“无边距”并勾选“背景图形”。":
        "Print on A4 portrait; in the print settings choose “No margins” and tick “Background graphics”.",
    "打印公示牌": "Print notice board",
    "网格编码": "Grid code",
    "%(kind)s（服务单位：%(unit)s）": "%(kind)s (served unit: %(unit)s)",
    "%(n)s 户": "%(n)s households",
    "所属网格": "Grid",
    "四至范围": "Boundaries",
    "网格服务团队": "Grid service team",
    "负责事项 / 派出单位": "Responsibilities / seconding organisation",
    "服务团队待公布": "Service team to be announced",
    "服务承诺": "Our pledge",
    "有求必应、有难必帮、有事必办；小事不出网格，大事不出社区。":
        "Every request answered, every difficulty helped, every matter handled; small matters are "
        "settled within the grid, big ones within the community.",
    "扫一扫，联系您的网格": "Scan to contact your grid",
    "查看本网格服务团队与联系电话": "See this grid's service team and phone numbers",
    "%(street)s网格化服务管理中心 监制": "Issued by the %(street)s Grid Service and Management Centre",
    "导入边界": "Import boundaries",
    "高德、腾讯地图上画的边界是 GCJ-02，百度地图是 BD-09；导入时统一换算为 WGS-84 保存。":
        "Boundaries drawn on Amap or Tencent Maps are GCJ-02, on Baidu Maps BD-09; on import they are "
        "all converted to WGS-84 and stored.",
    "上传并检查": "Upload and check",
    "文件须为 GeoJSON 要素集合（FeatureCollection），每个要素是 Polygon 或 MultiPolygon，属性包括：":
        "The file must be a GeoJSON FeatureCollection whose features are each a Polygon or MultiPolygon "
        "with these properties:",
    "区域编码": "Area code",
    "上级区域编码": "Parent area code",
    "层级（街道、社区、网格、微网格）": "Level (street, community, grid or microgrid)",
    "可选：": "Optional: ",
    "文件中有任何一处问题，整个文件都不会保存。已有编码的区域会被更新，新编码的区域会被创建。":
        "If there is any problem in the file, none of it is saved. Areas whose codes already exist are "
        "updated; areas with new codes are created.",
    "文件未导入。": "The file was not imported.",
    "发现 %(counter)s 个问题，整个文件没有保存任何数据。请修改后重新上传。": (
        "%(counter)s problem found; nothing from the file was saved. Please correct it and upload it again.",
        "%(counter)s problems found; nothing from the file was saved. Please correct them and upload it again.",
    ),
    "要素序号": "Feature no.",
    "字段": "Field",
    "问题": "Problem",
    "检查通过（只检查，未保存）。": "Check passed (checked only, nothing saved).",
    "正式导入将新建 %(created)s 个、更新 %(updated)s 个区域，%(unchanged)s 个没有变化。":
        "The import would create %(created)s and update %(updated)s areas; %(unchanged)s are unchanged.",
    "导入成功。": "Import succeeded.",
    "新建 %(created)s 个、更新 %(updated)s 个区域，%(unchanged)s 个没有变化。":
        "%(created)s areas created, %(updated)s updated, %(unchanged)s unchanged.",
    "文件坐标系：%(system)s": "Coordinate system of the file: %(system)s",
    "新建": "Created",
    "更新": "Updated",
    "上传文件后，检查报告显示在这里。": "After you upload a file, the check report appears here.",
    "便民联系卡": "Contact card",
    "卡片尺寸 85.6 × 54 毫米；请选择“无边距”并勾选“背景图形”。":
        "Card size 85.6 × 54 mm; choose “No margins” and tick “Background graphics”.",
    "打印联系卡": "Print contact card",
    "扫码联系网格": "Scan to contact the grid",
    "有事找网格 · 服务零距离": "Need help? Ask your grid · Service at your door",
    "撤销于 %(day)s": "Retired on %(day)s",
    "公开页面": "Public page",
    "下级区域分布图": "Map of sub-areas",
    "区域范围图": "Map of the area",
    "点击图中区域可进入其页面": "Click an area on the map to open its page",
    "暂无边界数据": "No boundary data yet",
    "地图数据加载失败，请刷新重试。": "The map data could not be loaded; please reload the page.",
    "地图": "Map",
    "基本情况": "Overview",
    "层级：": "Level: ",
    "编码：": "Code: ",
    # 个 is a counting word with no English equivalent: the number stands alone.
    "%(n)s<small>个</small>": ("%(n)s", "%(n)s"),
    "%(n)s<small>户</small>": ("%(n)s<small>household</small>", "%(n)s<small>households</small>"),
    "%(n)s<small>人</small>": ("%(n)s<small>member</small>", "%(n)s<small>members</small>"),
    "面积": "Land area",
    "服务团队（含下级）": "Service team (incl. sub-areas)",
    "服务团队": "Service team",
    "%(kind)s（服务：%(unit)s）": "%(kind)s (serves %(unit)s)",
    "所属社区": "Community",
    "%(n)s 人": ("%(n)s member", "%(n)s members"),
    "下级区域": "Sub-areas",
    "网格数": "Grids",
    "没有下级区域。": "No sub-areas.",
    "按名称或编码查找": "Search by name or code",
    "查找": "Search",
    "“%(query)s”的查找结果": "Results for “%(query)s”",
    "清除": "Clear",
    "没有找到符合条件的区域。": "No matching areas found.",
    "以下是您有权查看的区域，点击进入区域页面查看地图、下级网格与服务团队。":
        "These are the areas you may view. Open an area to see its map, grids and service teams.",
    "下辖 %(n)s 个区域": ("%(n)s sub-area", "%(n)s sub-areas"),
    "您的账号还没有可查看的区域，请联系管理员。":
        "Your account cannot view any areas yet; please contact your administrator.",
    "网格化服务管理": "Grid Service and Management",
    "网格信息公开": "Public grid information",
    "四至范围：": "Boundaries: ",
    "服务户数：": "Households served: ",
    "服务承诺：": "Our pledge: ",
    "约 %(n)s 户": "about %(n)s households",
    "拨打%(name)s的电话": "Call %(name)s",
    # audit
    "修改前": "Before",
    "修改后": "After",
    "审计": "Audit",
    "新增": "Created",
    "修改": "Updated",
    "删除": "Deleted",
    "时间": "Time",
    "操作人": "Changed by",
    "操作人名称": "Changed by (name)",
    "请求编号": "Request ID",
    "来源地址": "IP address",
    "操作": "Action",
    "对象类型": "Object type",
    "对象编号": "Object ID",
    "对象": "Object",
    "所属区域编码": "Area code",
    "用于按管辖范围筛选日志。": "Used to filter the log by jurisdiction.",
    "变更日志": "Change log",
    "筛选": "Filter",
    "共 %(counter)s 条记录": ("%(counter)s entry", "%(counter)s entries"),
    "没有字段变化。": "No fields changed.",
    "没有符合条件的记录。": "No matching entries.",
    "第 %(number)s / %(total)s 页": "Page %(number)s of %(total)s",
    "区域编码前缀": "Area code prefix",
    "区域编码只能由数字组成。": "An area code may contain digits only.",
    "全部": "All",
    # project and core
    "简体中文": "Simplified Chinese",
    "English": "English",
    "网格 · 系统管理": "Wangge · Administration",
    "系统管理": "Administration",
    "基础": "Core",
    "创建时间": "Created",
    "登录": "Log in",
    "网格化服务管理平台": "Grid Service and Management Platform",
    "用户名": "Username",
    "密码": "Password",
    "菜单": "Menu",
    "首页": "Home",
    "边界导入": "Import boundaries",
    "审计日志": "Audit log",
    "退出": "Log out",
    "您的账号还没有分配任何区域的角色，请联系管理员。":
        "Your account has no role in any area yet; please contact your administrator.",
    # registry: app, default catalogs (registry/catalog.py)
    "基础信息": "Registry",
    "独居老人": "Elderly person living alone",
    "空巢老人": "Empty-nest elderly person",
    "高龄老人": "Person aged 80 or over",
    "残疾人": "Person with disabilities",
    "低保户": "Minimum living allowance recipient",
    "特困人员": "Person in extreme poverty",
    "留守儿童": "Left-behind child",
    "困境儿童": "Child in difficulty",
    "退役军人": "Veteran",
    "重点关注": "Special attention",
    "公用设施": "Public utilities",
    "上水井盖": "Water supply manhole cover",
    "污水井盖": "Sewer manhole cover",
    "消防设施": "Fire-fighting equipment",
    "电动自行车充电桩": "E-bike charging point",
    "路灯": "Street light",
    "道路交通": "Roads and traffic",
    "停车场": "Car park",
    "交通标志": "Traffic sign",
    "道路护栏": "Road guardrail",
    "市容环境": "Streetscape and sanitation",
    "公共厕所": "Public toilet",
    "垃圾箱": "Litter bin",
    "垃圾分类收集点": "Waste sorting point",
    "园林绿化": "Parks and greenery",
    "凉亭": "Pavilion",
    "健身器材": "Fitness equipment",
    "绿地": "Green space",
    "座椅": "Bench",
    "儿童游乐设施": "Children's play equipment",
    "房屋土地": "Buildings and land",
    "宣传栏": "Information board",
    "监控设备": "Surveillance camera",
    "其他设施": "Other facilities",
    "其他部件": "Other facility",
    # registry: models
    "待核实": "Not verified",
    "已核实": "Verified",
    "有疑问": "In doubt",
    "最近核实时间": "Last verified at",
    "核实人": "Verified by",
    "核实状态": "Verification status",
    "只能登记在网格或微网格下。": "Can only be registered in a grid or micro-grid.",
    "住宅": "Residential",
    "商住": "Residential and commercial",
    "公建": "Public building",
    "厂房": "Industrial",
    "办公": "Office",
    "楼栋": "Building",
    "楼栋号/名称": "Building number or name",
    "如“3号楼”“松园里58单元”。": "For example “3号楼” or “松园里58单元”.",
    "经度(WGS-84)": "Longitude (WGS-84)",
    "纬度(WGS-84)": "Latitude (WGS-84)",
    "单元": "Unit",
    "单元号": "Unit number",
    "自住": "Owner-occupied",
    "出租": "Rented out",
    "空置": "Vacant",
    "经营": "Business use",
    "房屋": "Dwelling",
    "楼层": "Floor",
    "房号": "Room number",
    "建筑面积(m²)": "Floor area (m²)",
    "用途": "Use",
    "用途：": "Use:",
    "产权人": "Owner",
    "产权人姓名": "Owner's name",
    "产权人不在本辖区居住时填写。": "Fill in when the owner does not live in this area.",
    "楼层不能高于楼栋的层数。": "The floor cannot be higher than the building's number of floors.",
    "单元不属于该楼栋。": "The unit does not belong to this building.",
    "户": "Household",
    "户主": "Head of household",
    "户主：": "Head of household: ",
    "%(label)s：%(error)s": "%(label)s: %(error)s",
    "男": "Male",
    "女": "Female",
    "居民身份证": "Resident identity card",
    "护照": "Passport",
    "港澳居民来往内地通行证": "Mainland Travel Permit for Hong Kong and Macao Residents",
    "台湾居民来往大陆通行证": "Mainland Travel Permit for Taiwan Residents",
    "外国人永久居留身份证": "Foreign Permanent Resident ID Card",
    "其他证件": "Other document",
    "群众": "No affiliation",
    "中共党员": "CPC member",
    "中共预备党员": "CPC probationary member",
    "共青团员": "Communist Youth League member",
    "民主党派": "Member of a democratic party",
    "无党派人士": "Non-party public figure",
    "户籍人口": "Registered resident (hukou)",
    "常住人口": "Long-term resident",
    "流动人口": "Floating population",
    "境外人员": "Foreign national",
    "在册": "On the register",
    "已迁出": "Moved out",
    "已故": "Deceased",
    "敏感": "Sensitive",
    "敏感标签只对下面选中的角色可见。": "A sensitive tag is visible only to the roles selected below.",
    "可见角色": "Visible to roles",
    "关爱走访周期(天)": "Care visit interval (days)",
    "空表示不需要定期走访。": "Leave empty when no regular visits are needed.",
    "关爱标签": "Care tags",
    "居民": "Resident",
    "可以查看居民完整证件号码和电话": "Can view residents' full ID numbers and phone numbers",
    "配偶": "Spouse",
    "子女": "Child",
    "父母": "Parent",
    "孙子女": "Grandchild",
    "祖父母": "Grandparent",
    "兄弟姐妹": "Sibling",
    "租户": "Tenant",
    "家庭成员": "Household member",
    "迁出日期": "Move-out date",
    "入住日期": "Move-in date",
    "迁出日期不能早于入住日期。": "The move-out date cannot be earlier than the move-in date.",
    "企业": "Company",
    "事业单位": "Public institution",
    "社会组织": "Social organisation",
    "两新组织": "New economic or social organisation",
    "个体工商户": "Sole trader",
    "商铺": "Shop",
    "食品经营": "Food business",
    "所在楼栋": "Building",
    "统一社会信用代码": "Unified social credit code",
    "联系人": "Contact person",
    "安全责任人": "Person responsible for safety",
    "实有单位": "Registered organisation",
    "类别代码": "Class code",
    "大类": "Major class",
    "部件类别": "Facility class",
    "完好": "In good order",
    "破损": "Damaged",
    "丢失": "Missing",
    "占用": "Obstructed",
    "部件编码": "Facility code",
    "6位县级行政区划代码 + 4位类别代码 + 6位流水号。":
        "6-digit county code + 4-digit class code + 6-digit serial number.",
    "位置描述": "Location description",
    "责任单位": "Responsible organisation",
    "部件": "Public facility",
    "部件编码应为16位数字。": "A facility code must have 16 digits.",
    "所在楼栋不在该网格内。": "The building is not in this grid.",
    "车主应是本社区登记的居民。": "The owner must be a resident registered in this community.",
    "部件编码第7–10位应为类别代码%(code)s。": "Digits 7–10 of a facility code must be the class code %(code)s.",
    "部件编码应以所在区县代码%(code)s开头。": "A facility code must start with the county code %(code)s.",
    "汽车": "Car",
    "电动自行车": "E-bike",
    "摩托车": "Motorcycle",
    "号牌": "Number plate",
    "车主": "Owner",
    "车辆": "Vehicles",
    "排队中": "Queued",
    "正在检查": "Checking",
    "检查完成": "Checked",
    "正在导入": "Importing",
    "导入完成": "Imported",
    "失败": "Failed",
    "导入类型": "Import type",
    "导入区域": "Import area",
    "文件": "File",
    "原文件名": "Original file name",
    "导入人": "Imported by",
    "仅检查": "Check only",
    "总行数": "Total rows",
    "已处理行数": "Rows processed",
    "合并": "Merged",
    "拒绝": "Rejected",
    "无变化": "Unchanged",
    "报告": "Report",
    "被拒绝的行": "Rejected rows",
    "开始时间": "Started",
    "完成时间": "Finished",
    "导入任务": "Import job",
    "加密文本": "Encrypted text",
    # registry: validators
    "身份证号码中的地区代码无效。": "The region code in the ID card number is not valid.",
    "身份证号码校验位错误，请逐位核对。":
        "The check digit of the ID card number is wrong; please check it digit by digit.",
    "身份证号码不能为空。": "The ID card number cannot be empty.",
    "身份证号码应为18位，现在是%(length)d位。":
        "An ID card number has 18 characters; this one has %(length)d.",
    "身份证号码前17位应为数字，最后一位为数字或X。":
        "The first 17 characters of an ID card number are digits; the last is a digit or X.",
    "身份证号码中的出生日期无效。": "The date of birth in the ID card number is not valid.",
    "性别与身份证号码不一致。": "The gender does not match the ID card number.",
    "出生日期与身份证号码不一致。": "The date of birth does not match the ID card number.",
    "统一社会信用代码不能为空。": "The unified social credit code cannot be empty.",
    "统一社会信用代码应为18位，现在是%(length)d位。":
        "A unified social credit code has 18 characters; this one has %(length)d.",
    "统一社会信用代码只能包含数字和大写字母（不含 I、O、S、V、Z）。":
        "A unified social credit code may contain only digits and capital letters (not I, O, S, V or Z).",
    "统一社会信用代码第3至8位应为行政区划代码（数字）。":
        "Characters 3 to 8 of a unified social credit code must be an administrative division code (digits).",
    "统一社会信用代码校验位错误，请逐位核对。":
        "The check character of the unified social credit code is wrong; please check it character by character.",
    "手机号码应为11位数字，以13至19开头。": "A mobile number has 11 digits and starts with 13 to 19.",
    "固定电话应为区号加7至8位号码，例如 010-12345678。":
        "A landline number is an area code followed by 7 or 8 digits, for example 010-12345678.",
    "电话号码格式不正确：手机号码为11位数字，固定电话需带区号（如 010-12345678）。":
        "Invalid phone number: a mobile number has 11 digits, a landline number needs its area code "
        "(such as 010-12345678).",
    "车牌号码不能为空。": "The number plate cannot be empty.",
    "车牌号码应以省、自治区、直辖市的简称开头，例如 京A12345。":
        "A number plate starts with the abbreviation of a province, autonomous region or municipality, "
        "for example 京A12345.",
    "新能源车牌格式不正确：小型车如 京AD12345，大型车如 京A12345D。":
        "Invalid new-energy number plate: small vehicles look like 京AD12345, large ones like 京A12345D.",
    "车牌号码应为7位（新能源车8位），现在是%(length)d位。":
        "A number plate has 7 characters (8 for new-energy vehicles); this one has %(length)d.",
    "车牌号码格式不正确：省份简称后应为发牌机关字母和5位字母或数字（不含 I、O）。":
        "Invalid number plate: the province abbreviation must be followed by the issuing authority's letter "
        "and 5 letters or digits (not I or O).",
    "电动自行车号牌不能为空。": "The e-bike number plate cannot be empty.",
    "电动自行车号牌不能超过12个字符。": "An e-bike number plate cannot be longer than 12 characters.",
    "证件号码应为5至20位字母或数字。": "A document number has 5 to 20 letters or digits.",
    # registry: operations (services, verification)
    "您没有在该网格执行此操作的权限。": "You are not allowed to do this in this grid.",
    "您没有查看该居民完整证件号码和电话的权限。":
        "You are not allowed to view this resident's full ID number and phone number.",
    "该居民目前登记在另一户，请先在原户办理迁出。":
        "This resident is currently registered in another household; record their move-out there first.",
    "该成员已迁出。": "This member has already moved out.",
    "您没有核实该记录的权限。": "You are not allowed to verify this record.",
    "核实结果只能是“已核实”或“有疑问”。": "A verification result can only be “Verified” or “In doubt”.",
    "核实说明不能超过%(n)d个字。": "The verification note cannot be longer than %(n)d characters.",
    "标记为“有疑问”时请写明疑问。": "When marking a record as “In doubt”, please say what is in doubt.",
    "核实说明": "Verification note",
    # registry: forms
    "请填写%(field)s。": "%(field)s is required.",
    "姓名、地址、证件号码或电话": "Name, address, document number or phone",
    "楼栋、小区或地址": "Building, estate or address",
    "留空表示不修改。": "Leave empty to keep the current value.",
    "请填写姓名。": "Please enter the name.",
    "请填写证件号码。": "Please enter the document number.",
    "请填写性别。": "Please enter the gender.",
    "您不能在该网格使用标签“%(tag)s”。": "You cannot use the tag “%(tag)s” in this grid.",
    "该证件号码已登记：": "This document number is already registered:",
    "该证件号码已登记。": "This document number is already registered.",
    "层数至少为1。": "A building has at least 1 floor.",
    "请填写房号。": "Please enter the room number.",
    "该单元已有这个房号。": "This unit already has this room number.",
    "与户主关系": "Relationship to head of household",
    "姓名（新登记时填写）": "Name (for a new registration)",
    "联系电话（新登记时填写）": "Phone (for a new registration)",
    "该证件号码尚未登记，请填写姓名以新登记居民。":
        "This document number is not registered yet; enter a name to register a new resident.",
    "查看事由": "Reason for viewing",
    "例如：入户核实": "For example: home visit to verify details",
    "查看事由至少需要%(count)d个字。": "The reason for viewing must be at least %(count)d characters long.",
    "查看人": "Viewed by",
    "事由包含": "Reason contains",
    # registry: coverage
    "证件号码": "Document number",
    "出生日期": "Date of birth",
    "没有登记房屋的楼栋": "Buildings with no dwellings registered",
    "无在住户的房屋（空置、经营除外）": "Dwellings with no current household (except vacant and business use)",
    "没有在住成员的户": "Households with no current members",
    "缺少必填信息的居民": "Residents with required details missing",
    "长期未核实的楼栋": "Buildings not verified for a long time",
    "长期未核实的房屋": "Dwellings not verified for a long time",
    "长期未核实的户": "Households not verified for a long time",
    "长期未核实的居民": "Residents not verified for a long time",
    "核实有疑问的楼栋": "Buildings in doubt",
    "核实有疑问的房屋": "Dwellings in doubt",
    "核实有疑问的户": "Households in doubt",
    "核实有疑问的居民": "Residents in doubt",
    "缺少：%(fields)s": "Missing: %(fields)s",
    "您没有查看基础信息的权限。": "You are not allowed to view the registry.",
    "已记录核实结果。": "The verification has been recorded.",
    # registry: exports and import columns (headers stay Chinese in files; notes are translated)
    "性别": "Gender",
    "证件类型": "Document type",
    "民族": "Ethnic group",
    "政治面貌": "Political affiliation",
    "人口类型": "Residency type",
    "现住址": "Current address",
    "工作单位或学校": "Workplace or school",
    "小区": "Residential estate",
    "层数": "Floors",
    "单元数": "Units",
    "房屋数": "Dwellings",
    "15位网格编码或18位微网格编码；导入到网格时可不填。":
        "15-digit grid code or 18-digit micro-grid code; may be left empty when importing into a grid.",
    "所属网格编码": "Grid code",
    "小区名称，没有可不填。": "Name of the residential estate; leave empty if there is none.",
    "楼栋号": "Building number",
    "如“3号楼”，与系统中登记的楼栋名称一致。":
        "For example “3号楼”; must match the building name registered in the system.",
    "楼号": "Building no.",
    "如“1单元”，没有单元可不填。": "For example “1单元”; leave empty if the building has no units.",
    "如“301”。": "For example “301”.",
    "户室号": "Flat number",
    "门牌号": "Door number",
    "填写房号时必填。": "Required when a room number is given.",
    "不填视为居民身份证。": "If empty, a resident identity card is assumed.",
    "居民身份证18位，最后一位可为X；同一人在文件中只能出现一次。":
        "Resident identity card numbers have 18 characters, the last may be X; each person may appear only "
        "once in the file.",
    "身份证号码": "ID card number",
    "身份证号": "ID card no.",
    "公民身份号码": "Citizen identity number",
    "居民姓名。": "The resident's name.",
    "身份证可不填，按证件号码判断。": "May be left empty for an ID card: it is read from the number.",
    "如 1985-07-15；身份证可不填。": "Such as 1985-07-15; may be left empty for an ID card.",
    "不填视为汉族。": "If empty, Han is assumed.",
    "手机或带区号的固定电话。": "A mobile number, or a landline number with its area code.",
    "手机号码": "Mobile phone number",
    "电话": "Telephone",
    "不填视为群众。": "If empty, no political affiliation is assumed.",
    "不填视为户籍人口。": "If empty, a registered (hukou) resident is assumed.",
    "可填多个，用顿号或逗号分隔；导入只增加标签，不删除已有标签。":
        "Several may be given, separated by 、 or commas; an import only adds tags and never removes "
        "existing ones.",
    "备注": "Notes",
    "每户须有一名户主。": "Every household must have one head of household.",
    "不填为导入当天。": "If empty, the day of the import.",
    "楼栋的地址。": "The building's address.",
    "楼栋类型": "Building type",
    "不填视为住宅。": "If empty, residential is assumed.",
    "楼栋地上层数。": "Number of floors above ground.",
    "一行一户；只登记楼栋时房号可不填。":
        "One row per dwelling; leave the room number empty to register only the building.",
    "建筑面积": "Floor area",
    "平方米。": "Square metres.",
    "房屋用途": "Dwelling use",
    "不填视为自住。": "If empty, owner-occupied is assumed.",
    "单位名称": "Organisation name",
    "营业执照或登记证书上的名称。": "The name on the business licence or registration certificate.",
    "18位；有代码时按代码识别同一单位。":
        "18 characters; when given, the code identifies the same organisation.",
    "单位类别": "Organisation type",
    "没有信用代码时按名称和地址识别同一单位。":
        "Without a credit code, the name and address identify the same organisation.",
    # registry: import (importer, planners, reader, rows, templates, command)
    "导入时发生系统错误，整个文件没有保存任何数据。请联系管理员。":
        "A system error occurred during the import and nothing from the file was saved. "
        "Please contact your administrator.",
    "您没有在「%(area)s」导入%(kind)s的权限。": "You are not allowed to import “%(kind)s” into %(area)s.",
    "表头缺少必填列%(names)s，整个文件未导入。请使用导入模板，或检查表头是否在第一行。":
        "The header lacks the required columns %(names)s, so the file was not imported. Use the import "
        "template, or check that the header is on the first row.",
    "以下列不认识，已忽略：%(names)s。": "These columns were not recognised and were ignored: %(names)s.",
    "以下列出现了多次，只读取第一列：%(names)s。":
        "These columns appear more than once; only the first of each was read: %(names)s.",
    "第%(row)d行": "row %(row)d",
    "批量保存": "the batch",
    "保存%(where)s时出错（%(error)s），整个文件没有保存任何数据。":
        "Saving %(where)s failed (%(error)s); nothing from the file was saved.",
    "与第%(row)d行是同一人（证件号码相同），本行未导入，请合并为一行。":
        "Same person as row %(row)d (same document number); this row was not imported. "
        "Please merge them into one row.",
    "填写了房号时必须填写与户主关系。":
        "When a room number is given, the relationship to the head of household is required.",
    "与房屋所在网格（%(code)s）不一致。": "Does not match the grid of the dwelling (%(code)s).",
    "非居民身份证的居民必须填写性别。": "The gender is required for a resident without a resident identity card.",
    "没有名为“%(name)s”的关爱标签。": "There is no care tag named “%(name)s”.",
    "该居民已登记在本次导入区域以外，不能在此导入；请先由原网格办理迁出。":
        "This resident is registered outside the area of this import and cannot be imported here; "
        "their current grid must record the move-out first.",
    "与系统中同一证件号码的居民姓名（%(name)s）不一致，请核对。":
        "Does not match the name registered in the system for this document number (%(name)s); please check.",
    "不能为空。": "Cannot be empty.",
    "本区域没有登记这个证件号码的居民，请先导入居民。":
        "No resident with this document number is registered in this area; import the residents first.",
    "填写房号时必须填写楼层。": "When a room number is given, the floor is required.",
    "楼层不能高于楼栋的层数（%(n)d层）。":
        "The floor cannot be higher than the building's number of floors (%(n)d).",
    "与第%(row)d行是同一单位，本行未导入。": "Same organisation as row %(row)d; this row was not imported.",
    "该单位已登记在本次导入区域以外，不能在此导入。":
        "This organisation is registered outside the area of this import and cannot be imported here.",
    "无法读取Excel文件：请上传 .xlsx 格式的工作簿。": "Cannot read the Excel file: please upload an .xlsx workbook.",
    "无法读取CSV文件：请保存为 UTF-8 或 GB18030 编码。":
        "Cannot read the CSV file: please save it in UTF-8 or GB18030 encoding.",
    "CSV文件第%(row)d行无法读取：%(error)s": "Cannot read row %(row)d of the CSV file: %(error)s",
    "文件是空的：没有找到表头行。": "The file is empty: no header row was found.",
    "只支持 .xlsx 和 .csv 文件，不支持“%(suffix)s”。":
        "Only .xlsx and .csv files are supported, not “%(suffix)s”.",
    "第%(row)d行：%(message)s": "Row %(row)d: %(message)s",
    "第%(row)d行「%(column)s」：%(message)s": "Row %(row)d, “%(column)s”: %(message)s",
    "不能超过%(n)d个字。": "Cannot be longer than %(n)d characters.",
    "“%(value)s”不是可选的值（%(labels)s）。": "“%(value)s” is not one of the allowed values (%(labels)s).",
    "应为整数，现在是“%(value)s”。": "Must be a whole number, not “%(value)s”.",
    "不能小于%(n)d。": "Cannot be less than %(n)d.",
    "应为数字，现在是“%(value)s”。": "Must be a number, not “%(value)s”.",
    "数值不合理：%(value)s。": "Implausible value: %(value)s.",
    "日期格式不正确，应如 1985-07-15，现在是“%(value)s”。":
        "Invalid date format: it should look like 1985-07-15, not “%(value)s”.",
    "“%(code)s”不是本次导入区域「%(area)s」内的网格。":
        "“%(code)s” is not a grid inside %(area)s, the area of this import.",
    "导入到社区或街道时必须填写网格编码。":
        "The grid code is required when importing into a community or sub-district.",
    "楼栋“%(name)s”在本区域不存在，请先导入楼栋与房屋。":
        "There is no building “%(name)s” in this area; import the buildings and dwellings first.",
    "有多个楼栋名为“%(name)s”，请填写小区或网格编码。":
        "Several buildings are named “%(name)s”; please give the residential estate or the grid code.",
    "房屋“%(name)s”不存在，请先导入楼栋与房屋。":
        "The dwelling “%(name)s” does not exist; import the buildings and dwellings first.",
    "请从下拉列表中选择。": "Please choose from the drop-down list.",
    "列名": "Column",
    "是否必填": "Required",
    "可选值": "Allowed values",
    "示例": "Example",
    "必填": "Required",
    "选填": "Optional",
    "第一行是表头，列的顺序可以调整，但列名要与模板一致；带 * 的列必须填写。":
        "The first row is the header. Columns may be in any order, but their names must match the template; "
        "columns marked * are required.",
    "模板中的示例行如果没有修改，导入时会被跳过；空行会被忽略。":
        "The template's example row is skipped on import unless you change it; empty rows are ignored.",
    "同一证件号码的居民在系统中只有一人：再次导入会更新（合并）该居民，不会重复登记。":
        "A document number belongs to one resident in the system: importing it again updates (merges) that "
        "resident instead of registering them twice.",
    "导入分两步：先检查（不保存），确认无误后再正式导入；有问题的行可下载后修改再导入。":
        "An import has two steps: first a check (nothing is saved), then the import once you have confirmed "
        "it. Rows with problems can be downloaded, corrected and imported again.",
    "找不到文件 %(name)s。": "File %(name)s not found.",
    "检查完成（未保存）：将新增 %(created)d、合并 %(merged)d、更新 %(updated)d，%(unchanged)d 无变化，"
    "%(rejected)d 被拒绝。":
        "Check complete (nothing saved): the import would create %(created)d, merge %(merged)d and update "
        "%(updated)d; %(unchanged)d unchanged, %(rejected)d rejected.",
    "导入完成：新增 %(created)d、合并 %(merged)d、更新 %(updated)d，%(unchanged)d 无变化，"
    "%(rejected)d 被拒绝（未导入）。":
        "Import complete: %(created)d created, %(merged)d merged, %(updated)d updated; %(unchanged)d "
        "unchanged, %(rejected)d rejected (not imported).",
    "被拒绝的行已写入 %(path)s。": "The rejected rows were written to %(path)s.",
    "有 %(n)d 行被拒绝。": "Rows rejected: %(n)d.",
    # registry: pages
    "变更记录": "Change history",
    "暂无变更记录。": "No changes yet.",
    "居民查询": "Resident search",
    "登记居民": "Register resident",
    "个人信息查看日志": "Personal data access log",
    "查看人名称": "Viewed by (name)",
    "查看的字段": "Fields viewed",
    "共 %(total)s 条": ("%(total)s result", "%(total)s results"),
    "查看完整信息": "Show full details",
    "查看将记录查看人、时间和事由。": "Viewing records who viewed, when and why.",
    "完整信息仅显示本次，已记入个人信息查看日志。":
        "The full details are shown this once and have been recorded in the personal data access log.",
    "没有查看记录。": "No views recorded.",
    "%(floors)s层 %(units)s个单元": "Floors: %(floors)s, units: %(units)s",
    "%(count)s套房屋": ("%(count)s dwelling", "%(count)s dwellings"),
    "编辑楼栋": "Edit building",
    "新建房屋": "New dwelling",
    "核实：": "Verification:",
    "（无单元）": "(no unit)",
    "%(floor)s层": "Floor %(floor)s",
    "%(count)s人": ("%(count)s person", "%(count)s people"),
    "该楼栋还没有登记房屋。": "No dwellings are registered in this building yet.",
    "新建楼栋": "New building",
    "查询": "Search",
    "导出Excel": "Export to Excel",
    "没有符合条件的楼栋。": "No matching buildings.",
    "楼栋数": "Buildings",
    "户数": "Households",
    "人数": "People",
    "敏感标签，仅授权角色可见": "Sensitive tag, visible only to authorised roles",
    "关爱对象": "People receiving care",
    "正在加载基础信息覆盖情况…": "Loading registry coverage…",
    "%(name)s · 基础信息覆盖情况": "%(name)s · Registry coverage",
    "基础信息覆盖情况": "Registry coverage",
    "%(name)s基础信息覆盖情况": "Registry coverage of %(name)s",
    "基本数据": "Key figures",
    "栋不漏户，户不漏人": "No household missed in any building, no person missed in any household",
    "超过 %(days)s 天未核实即为长期未核实": (
        "“Not verified for a long time” means not verified for more than %(days)s day",
        "“Not verified for a long time” means not verified for more than %(days)s days",
    ),
    "数量": "Count",
    "共 %(n)s 条": ("%(n)s record", "%(n)s records"),
    "记录": "Record",
    "最近核实": "Last verified",
    "从未核实": "Never verified",
    "没有记录。": "No records.",
    "查看详情": "Details",
    "待补齐": "To be completed",
    "信息完整，全部按期核实。": "All details are complete and verified on schedule.",
    "无法记录核实结果": "The verification could not be recorded",
    "返回": "Back",
    "%(day)s %(name)s核实": "Verified on %(day)s by %(name)s",
    "（需重新核实）": "(needs verifying again)",
    "核实无误": "Confirm as correct",
    "疑问说明": "What is in doubt",
    "编辑房屋": "Edit dwelling",
    "新建户": "New household",
    "入住": "moved in",
    "暂无在住成员。": "No current members.",
    "该房屋还没有登记户。": "No households are registered in this dwelling yet.",
    "保存": "Save",
    "取消": "Cancel",
    "添加家庭成员": "Add household member",
    "在住": "Living here",
    "迁出": "Move out",
    "暂无成员。": "No members yet.",
    "编辑": "Edit",
    "居住记录": "Residence history",
    "至今": "present",
    "暂无居住记录。": "No residence history yet.",
    "暂无车辆。": "No vehicles.",
    "没有符合条件的居民。": "No matching residents.",
    # registry: views
    "您没有执行此操作的权限。": "You are not allowed to do this.",
    "楼栋已保存。": "The building has been saved.",
    "房屋已保存。": "The dwelling has been saved.",
    "已新建户，请添加家庭成员。": "The household has been created; now add its members.",
    "已添加家庭成员：%(name)s。": "Household member added: %(name)s.",
    "非居民身份证的新居民请先在“登记居民”中登记（需填写性别）。":
        "Register a new resident without a resident identity card under “Register resident” first "
        "(the gender is required).",
    "%(name)s 已迁出。": "%(name)s has moved out.",
    "办理迁出": "Record move-out",
    "居民信息已保存。": "The resident's details have been saved.",
    "编辑居民": "Edit resident",
    # registry: import pages
    "导入基础信息": "Import registry data",
    "您没有可导入的区域": "You have no areas to import into",
    "导入到网格时可以不填网格编码列；导入到社区或街道时每行都要填网格编码。":
        "When importing into a grid, the grid code column may be left empty; when importing into a community "
        "or sub-district, every row needs a grid code.",
    "CSV 文件可以是 UTF-8 或 GB18030（Excel“另存为 CSV”）编码。":
        "CSV files may be in UTF-8 or GB18030 encoding (Excel's “Save as CSV”).",
    "上传后先检查，不保存任何数据；看过检查报告再确认导入。":
        "An upload is checked first and nothing is saved; confirm the import after reading the check report.",
    "下载导入模板": "Download import templates",
    "%(label)s导入模板": "Import template: %(label)s",
    "建议的顺序：先导入楼栋与房屋，再导入居民（可同时填写房号），最后导入住户关系和实有单位。":
        "Suggested order: first buildings and dwellings, then residents (room numbers may be filled in at the "
        "same time), and finally household members and registered organisations.",
    "我的导入记录": "My imports",
    "内容": "Contents",
    "还没有导入记录。": "No imports yet.",
    "导入": "Import",
    "导入%(kind)s": "Import: %(kind)s",
    "正在保存，请稍候…": "Saving, please wait…",
    "已处理 %(done)s / %(total)s 行": "%(done)s of %(total)s rows processed",
    "导入进度": "Import progress",
    "可以离开本页，导入在后台继续进行。": "You may leave this page; the import continues in the background.",
    "重新上传": "Upload again",
    "检查完成（尚未保存）。": "Check complete (nothing saved yet).",
    "确认导入将新增 %(created)s 条、合并 %(merged)s 条、更新 %(updated)s 条，%(unchanged)s 条无变化，"
    "%(rejected)s 条被拒绝。":
        "Confirming the import will create %(created)s, merge %(merged)s and update %(updated)s records; "
        "%(unchanged)s are unchanged and %(rejected)s rejected.",
    "导入完成。": "Import complete.",
    "新增 %(created)s 条、合并 %(merged)s 条、更新 %(updated)s 条，%(unchanged)s 条无变化，"
    "%(rejected)s 条被拒绝（未导入）。":
        "%(created)s created, %(merged)s merged, %(updated)s updated; %(unchanged)s unchanged, "
        "%(rejected)s rejected (not imported).",
    "确认导入 %(counter)s 条": ("Import %(counter)s record", "Import %(counter)s records"),
    "下载被拒绝的行": "Download rejected rows",
    "上传其他文件": "Upload another file",
    "显示前 %(shown)s 条": "showing the first %(shown)s",
    "第%(row)s行：%(summary)s": "Row %(row)s: %(summary)s",
    "%(section)s（%(n)s）": "%(section)s (%(n)s)",
    "导入内容": "What to import",
    "导入到区域": "Import into",
    "文件（.xlsx 或 .csv）": "File (.xlsx or .csv)",
    "只支持 .xlsx 和 .csv 文件。": "Only .xlsx and .csv files are supported.",
    "合并（同一人已登记，更新信息）": "Merged (person already registered, details updated)",
    # project: error pages
    "没有权限": "Access denied",
    "您的角色不允许进行这项操作。如需开通，请联系本辖区的管理员。":
        "Your role does not allow this. To get access, please contact the administrator of your area.",
    "返回首页": "Back to the home page",
    "找不到页面": "Page not found",
    "页面不存在，或不在您的管辖范围内。": "The page does not exist, or is outside your jurisdiction.",
    # Only in tests (core/tests/test_catalogs.py), should makemessages be run without --ignore=tests.
    "%(count)d个网格": ("%(count)d grid", "%(count)d grids"),
}

# Entries with a context (pgettext, {% translate … context … %}): (context, msgid) -> English.
# A msgid with a context is never looked up in ``ENGLISH``: the context is there because the
# same Chinese needs a different English.
ENGLISH_IN_CONTEXT: dict[tuple[str, str], Translation] = {
    ("product name", "网格"): "Wangge",
    ("list separator", "、"): ", ",
    # Chinese messages end with 。 and are joined with ；, English ones just follow each other.
    ("message separator", "；"): " ",
    ("plural", "用户"): "Users",
    ("plural", "角色"): "Roles",
    ("plural", "角色分配"): "Role assignments",
    ("plural", "处置单位"): "Handling organisations",
    ("plural", "单位成员"): "Organisation members",
    ("plural", "网格团队成员"): "Grid team members",
    ("plural", "网格特色标签"): "Grid feature tags",
    ("plural", "变更日志"): "Change log",
    ("plural", "区域"): "Areas",
    ("plural", "个人信息查看日志"): "Personal data access log",
    ("plural", "楼栋"): "Buildings",
    ("plural", "单元"): "Units",
    ("plural", "房屋"): "Dwellings",
    ("plural", "户"): "Households",
    ("plural", "关爱标签"): "Care tags",
    ("plural", "居民"): "Residents",
    ("plural", "家庭成员"): "Household members",
    ("plural", "实有单位"): "Registered organisations",
    ("plural", "部件类别"): "Facility classes",
    ("plural", "部件"): "Public facilities",
    ("plural", "车辆"): "Vehicles",
    ("plural", "导入任务"): "Import jobs",
    # Import kinds (ImportKind): what a roster holds, so plural.
    ("plural", "住户"): "Household members",
    ("plural", "楼栋与房屋"): "Buildings and dwellings",
    # A number with its unit (coverage figures): the unit follows the number's plural form.
    ("building count", "%(counter)s<small>栋</small>"): (
        "%(counter)s<small>building</small>", "%(counter)s<small>buildings</small>"
    ),
    ("household count", "%(counter)s<small>户</small>"): (
        "%(counter)s<small>household</small>", "%(counter)s<small>households</small>"
    ),
    ("people count", "%(counter)s<small>人</small>"): (
        "%(counter)s<small>person</small>", "%(counter)s<small>people</small>"
    ),
    # Chinese 「」 around a quoted name (a file's column header), English curly quotes.
    ("quoted name", "「%(name)s」"): "“%(name)s”",
    # Appended to the uploaded file's name for the workbook of rejected rows.
    ("file name suffix", "被拒绝的行"): "rejected-rows",
}


# The cases app keeps its English in locale/english/, one module per feature.
sys.path.insert(0, str(LOCALE_DIR))
import english  # noqa: E402

ENGLISH.update(english.merged("ENGLISH"))
ENGLISH_IN_CONTEXT.update(english.merged("ENGLISH_IN_CONTEXT"))


def english_for(entry: polib.POEntry) -> Translation | None:
    """The English for a catalog entry, looked up by its context when it has one."""
    if entry.msgctxt is not None:
        return ENGLISH_IN_CONTEXT.get((entry.msgctxt, entry.msgid))
    return ENGLISH.get(entry.msgid)


def placeholders(text: str) -> list[str]:
    """The %-conversions and {…} fields of a string, sorted (order may change in a translation)."""
    return sorted(match for match in _PLACEHOLDER.findall(text) if match != "%%")


def set_headers(catalog: polib.POFile, language: str) -> None:
    """Valid headers for ``language``; drops the fuzzy flag makemessages puts on a new header."""
    catalog.metadata.update(COMMON_HEADERS)
    catalog.metadata.update(HEADERS[language])
    catalog.metadata["Last-Translator"] = "Wangge"
    # Revised when makemessages last ran: stable across reruns, and no placeholder date.
    catalog.metadata["PO-Revision-Date"] = catalog.metadata.get("POT-Creation-Date", "")
    catalog.metadata_is_fuzzy = False
    catalog.header = "Wangge message catalog. Source strings are Chinese (zh-hans)."


def translate_english(catalog: polib.POFile) -> list[str]:
    """Fill every entry from ``ENGLISH``; returns the problems (missing or mismatched entries)."""
    problems: list[str] = []
    for entry in catalog:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        english = english_for(entry)
        if english is None:
            entry.msgstr = ""
            entry.msgstr_plural = {0: "", 1: ""} if entry.msgid_plural else {}
            context = f" [context {entry.msgctxt!r}]" if entry.msgctxt is not None else ""
            problems.append(f"untranslated: {entry.msgid!r}{context} ({_where(entry)})")
            continue
        if entry.msgid_plural:
            singular, plural = english if isinstance(english, tuple) else (english, english)
            entry.msgstr_plural = {0: singular, 1: plural}
            texts = [singular, plural]
        else:
            if isinstance(english, tuple):
                problems.append(f"plural translation for a singular msgid: {entry.msgid!r}")
                continue
            entry.msgstr = english
            texts = [english]
        problems += [
            f"placeholders differ: {entry.msgid!r} -> {text!r}"
            for text in texts if placeholders(text) != placeholders(entry.msgid)
        ]
    return problems


def clear_source_language(catalog: polib.POFile) -> None:
    """zh-hans is the source language: empty msgstrs, so gettext shows the Chinese msgid."""
    for entry in catalog:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        entry.msgstr = ""
        entry.msgstr_plural = {0: ""} if entry.msgid_plural else {}


def _where(entry: polib.POEntry) -> str:
    return ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:3])


def main() -> int:
    """Rewrite both catalogs in place; print what still needs attention."""
    catalogs = {language: LOCALE_DIR / language / "LC_MESSAGES" / "django.po" for language in HEADERS}
    english = polib.pofile(str(catalogs["en"]), wrapwidth=79)
    set_headers(english, "en")
    problems = translate_english(english)
    english.save()
    chinese = polib.pofile(str(catalogs["zh_Hans"]), wrapwidth=79)
    set_headers(chinese, "zh_Hans")
    clear_source_language(chinese)
    chinese.save()
    used = {entry.msgid for entry in english if entry.msgctxt is None}
    used_in_context = {(entry.msgctxt, entry.msgid) for entry in english if entry.msgctxt is not None}
    unused = sorted(set(ENGLISH) - used) + [
        f"{msgid} [context {context}]" for context, msgid in sorted(set(ENGLISH_IN_CONTEXT) - used_in_context)
    ]
    print(f"{len(english)} messages; {len(english.untranslated_entries())} untranslated in English.")
    if unused:
        print(f"{len(unused)} dictionary entries not in the catalog (kept for reruns):")
        print("\n".join(f"  {msgid!r}" for msgid in unused))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
