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
    "所属网格": "Parent grid",
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
}


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
