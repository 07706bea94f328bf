"""What the demo cases say: per default category, how often it comes up, how it is handled and
the words of its reports and feedback. ``{place}`` is the building or estate of the report.

Weights follow the seeds: stairwell clutter, e-bikes charged in stairwells and rubbish make up
much of a grid's day; illegal construction and disputes are rarer and take longer.
"""

from __future__ import annotations

from dataclasses import dataclass

# How a case is handled: fixed in the grid (自办), sent to the estate's property company by
# the community, or sent to a department by the street (after escalation).
SELF, PROPERTY, DEPARTMENT = "self", "property", "department"


@dataclass(frozen=True)
class CategoryText:
    weight: int
    routes: dict[str, int]
    reports: tuple[str, ...]
    feedback: tuple[str, ...]
    public: bool = True


TEXTS: dict[str, CategoryText] = {
    "stairwell-clutter": CategoryText(
        14, {SELF: 6, PROPERTY: 4},
        ("{place}楼道内堆放纸箱、旧家具，堵塞通行，存在消防隐患。", "{place}一楼楼梯间长期堆放废品，居民反映有异味。",
         "{place}楼道里放了两辆旧自行车和花盆，老人上下楼不方便。"),
        ("已联系住户将杂物清走，楼道恢复通畅。", "已组织物业和楼栋长清理楼道杂物，并张贴楼道公约。",
         "住户已自行清理，网格员现场查看无杂物。"),
    ),
    "ebike-charging": CategoryText(
        12, {SELF: 7, PROPERTY: 3},
        ("{place}有住户从窗户拉电线给电动车充电（飞线充电）。", "{place}一楼门厅停放三辆电动车，晚上在楼道里充电。",
         "{place}地下室有电动车充电，插线板随意放在地上。"),
        ("已劝导住户停止飞线充电，电线已拆除，引导到小区集中充电桩充电。", "电动车已移出楼道，物业加装了阻车装置。",
         "已上门宣传电动车安全充电知识，住户签订承诺书。"),
    ),
    "sanitation": CategoryText(
        10, {SELF: 5, DEPARTMENT: 5},
        ("{place}旁边的垃圾桶满溢，周边有散落垃圾。", "{place}附近绿化带里有建筑垃圾，无人清运。",
         "{place}门口垃圾分类收集点周边卫生差。"),
        ("已安排保洁人员清理，垃圾桶已清运。", "建筑垃圾已清运完毕，已提醒装修户按规定堆放。",
         "已清理并增加收运频次。"),
    ),
    "fire-exit-blocked": CategoryText(
        6, {PROPERTY: 7, DEPARTMENT: 3},
        ("{place}消防通道上停了好几辆私家车，消防车进不来。", "{place}单元门口安全出口被杂物堵住。"),
        ("车辆已挪走，物业在消防通道施划了禁停标线。", "杂物已清理，安全出口恢复畅通。"),
    ),
    "street-lamp": CategoryText(
        5, {PROPERTY: 1},
        ("{place}门前路灯不亮已经一周，晚上出行不安全。", "{place}附近路灯闪烁，灯罩破损。"),
        ("已更换灯泡和灯罩，路灯恢复照明。", "线路故障已排除，路灯正常。"),
    ),
    "road-surface": CategoryText(
        3, {DEPARTMENT: 1},
        ("{place}附近人行道地砖松动、坑洼，有老人绊倒。", "{place}门口路面塌陷一个坑，下雨积水。"),
        ("已铺设新地砖，路面平整。", "塌陷处已回填修复。"),
    ),
    "pavilion": CategoryText(
        2, {PROPERTY: 1},
        ("{place}小广场凉亭顶部漏雨，木椅有破损。", "{place}凉亭里有马蜂飞来飞去，栏杆松动。"),
        ("凉亭顶部已修补，座椅已更换。", "栏杆已加固。"),
    ),
    "fitness-equipment": CategoryText(
        3, {PROPERTY: 1},
        ("{place}旁健身器材扶手断裂，孩子玩耍有危险。", "{place}健身区的漫步机轴承损坏，晃动厉害。"),
        ("损坏的器材已暂停使用并维修完毕。", "已联系厂家更换配件，器材可以正常使用。"),
    ),
    "water-leak": CategoryText(
        5, {PROPERTY: 1},
        ("{place}顶楼住户反映屋顶漏水，下雨时屋里滴水。", "{place}外墙渗水，楼下住户墙面发霉。",
         "{place}楼道内水管漏水，地面积水。"),
        ("已对屋面做防水处理，雨后回访不再渗漏。", "维修基金已申请，外墙渗漏点已封堵。", "水管已更换，积水已清理。"),
    ),
    "wasp-nest": CategoryText(
        2, {PROPERTY: 1},
        ("{place}楼下树上有个马蜂窝，有孩子被蜇。", "{place}凉亭顶上有蜂窝，越来越大。"),
        ("已联系消防救援站摘除蜂窝。", "物业已请专业人员摘除蜂窝并喷洒药剂。"),
    ),
    "pests": CategoryText(
        1, {PROPERTY: 1},
        ("{place}地下室老鼠多，住户反映咬坏了电线。",),
        ("已投放灭鼠药并封堵鼠洞。",),
    ),
    "noise": CategoryText(
        4, {SELF: 2, PROPERTY: 2},
        ("{place}有住户晚上十点后还在装修，电钻声很大。", "{place}旁边广场舞音响声音太大。"),
        ("已与装修户沟通，承诺按规定时间施工。", "已协调广场舞队降低音量、调整时间。"),
    ),
    "vehicles": CategoryText(
        4, {SELF: 2, DEPARTMENT: 2},
        ("{place}门口一辆轿车停放半年多没动过，落满灰尘，轮胎没气。", "{place}小区门口车辆乱停，堵住出入口。"),
        ("已联系车主将车辆挪走。", "已联系交警张贴告知书，车辆已拖离。"),
    ),
    "parcel-station": CategoryText(
        2, {DEPARTMENT: 1},
        ("{place}底商快递点早上六点就开始分拣，噪音大，包裹堆在人行道上。",),
        ("已约谈快递点负责人，分拣移入室内，人行道已清理。",),
    ),
    "illegal-construction": CategoryText(
        3, {DEPARTMENT: 1},
        ("{place}顶楼住户在楼顶搭建彩钢房。", "{place}一楼住户私自扩建院墙，占用公共绿地。"),
        ("综合执法中队已下达限期拆除通知书，违建已拆除。", "经协调住户已自行拆除，恢复原状。"),
    ),
    "thrown-objects": CategoryText(
        1, {DEPARTMENT: 1},
        ("{place}楼上有人往下扔垃圾袋，差点砸到行人。",),
        ("派出所已调取监控找到住户并进行了批评教育。",),
    ),
    "food-safety": CategoryText(
        2, {DEPARTMENT: 1},
        ("{place}附近早餐店卫生条件差，使用过期食材。",),
        ("市场监管所已现场检查，责令整改并立案调查。",),
    ),
    "public-security": CategoryText(
        1, {DEPARTMENT: 1},
        ("{place}单元门禁损坏，有陌生人随意进出。", "{place}附近有人深夜聚集饮酒喧哗。"),
        ("派出所已加强巡逻，门禁已修复。",),
    ),
    "neighbour-dispute": CategoryText(
        3, {SELF: 2, DEPARTMENT: 1},
        ("{place}楼上楼下因卫生间漏水产生纠纷，双方争吵。", "{place}两户邻居因楼道堆放物品发生口角。"),
        ("经网格员和调解员多次调解，双方达成一致。", "调解成功，双方签订调解协议。"),
        public=False,
    ),
    "property-dispute": CategoryText(
        2, {DEPARTMENT: 1},
        ("{place}业主对物业费上涨有异议，与物业发生纠纷。", "{place}住户与物业因车位管理发生争执。"),
        ("经司法所调解，双方就物业费达成分期缴纳方案。", "调解成功，物业调整了车位管理办法。"),
        public=False,
    ),
    "assistance": CategoryText(
        3, {SELF: 2, DEPARTMENT: 1},
        ("{place}独居老人行动不便，希望有人帮忙买药、送餐。", "{place}住户家中突发变故，生活困难，申请临时救助。"),
        ("已为老人联系助餐服务，网格员每周上门探访。", "已协助申请临时救助金，已发放到位。"),
    ),
    "retirement-certification": CategoryText(
        2, {SELF: 1},
        ("{place}住户即将退休，咨询退休认证需要准备的材料。",),
        ("已告知所需材料并协助在线提交，认证已完成。",),
    ),
    "league-transfer": CategoryText(
        1, {SELF: 1},
        ("{place}青年住户咨询团组织关系转入社区的流程。",),
        ("已指导在线申请，团组织关系已转入社区团支部。",),
    ),
    "only-child-reward": CategoryText(
        1, {SELF: 1},
        ("{place}住户咨询独生子女父母奖励金的申领。",),
        ("已代为收集材料并报街道审核，奖励金已发放。",),
    ),
}

PLATES = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
SHOPS = ("老王早餐店", "鲜丰水果超市", "好邻居便利店", "川味小馆", "胖哥烧烤")
OUTCOME_NOTES = {
    "resolved": "问题已解决，经核查属实，予以结案。",
    "partly": "问题已部分解决，剩余部分纳入长效管理。",
    "explained": "因产权等原因暂无法解决，已向反映人说明情况。",
    "untrue": "经现场核实，反映情况不属实。",
}
REJECT_REASONS = (
    "经核实属于私人民事纠纷，已告知反映人通过诉讼途径解决。",
    "反映内容不在本平台受理范围，已告知12345热线办理渠道。",
)
UNHAPPY_COMMENTS = ("处理不及时，问题反复出现。", "只是暂时处理，没有根本解决。")
HOLD_REASONS = ("需申请住宅专项维修资金，等待业主表决。", "等待产权单位答复。", "需待天气转好后施工。")
EXTENSION_REASONS = ("需采购配件，预计还需几个工作日。", "涉及多个部门，协调需要时间。")
RETURN_REASONS = ("该问题不属于本单位职责范围，请重新派遣。",)
SUPERVISION_COMMENTS = ("请加快办理进度，尽快反馈。", "群众多次反映，请高度重视。")
