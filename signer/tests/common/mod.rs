//! Sample licenses shared by the tests and the `credential` bench: realistic enterprises of
//! Shanghai Pudong (310115), Nanjing Yuhuatai (320114) and Nanchang Honggutan (360113).
#![allow(dead_code)] // each test binary uses a different part

use signer::{Address, LicenseClaims, PermitClaim, SigningKey};

/// 2026-05-01T00:00:00Z.
pub const ISSUED: i64 = 1_777_593_600;
/// Five years later, 2031-05-01T00:00:00Z.
pub const UNTIL: i64 = 1_935_446_400;
/// Fixed seed: tests and the hex table are deterministic.
pub const SEED: [u8; 32] = [0x59; 32];

pub fn key() -> SigningKey {
    SigningKey::from_seed(&SEED, "310115")
}

pub fn key_for(issuer: &str) -> SigningKey {
    SigningKey::from_seed(&SEED, issuer)
}

/// Completes 17 characters with the GB 32100 check character.
pub fn credit(first17: &str) -> String {
    let check = catalog::ids::credit_code_check_char(first17).unwrap_or('?');
    format!("{first17}{check}")
}

fn permit(number: &str, kind: u16, scope: Option<&str>) -> PermitClaim {
    PermitClaim {
        kind,
        number: signer::derived_permit_number(number, kind),
        valid_until: Some(UNTIL),
        scope: scope.map(str::to_owned),
    }
}

#[allow(clippy::too_many_arguments)]
fn license(
    issuer: &str,
    seq: u32,
    industry: u16,
    name: &str,
    credit17: &str,
    division: u32,
    detail: &str,
    rep: &str,
    permits: &[(u16, Option<&str>)],
) -> LicenseClaims {
    let number = format!("{issuer}-2026-{seq:06}");
    LicenseClaims {
        issuer: issuer.to_owned(),
        permits: permits
            .iter()
            .map(|&(kind, scope)| permit(&number, kind, scope))
            .collect(),
        license_number: number,
        issued_at: ISSUED,
        valid_from: ISSUED,
        valid_until: UNTIL,
        industry,
        business_name: name.to_owned(),
        credit_code: credit(credit17),
        address: Address {
            division,
            detail: detail.to_owned(),
        },
        legal_representative: rep.to_owned(),
        version: 1,
        status_index: None,
    }
}

// Catalog codes used here. Industries: 101 convenience store, 102 restaurant, 103 pharmacy,
// 104 hotel, 105 gym, 106 bakery, 107 beauty salon, 108 supermarket.
// Permits: 1 food business, 2 liquor retail, 3 tobacco retail, 4 class II medical devices,
// 5 pharmaceuticals retail, 6 public-place hygiene, 7 special trade (hotel), 8 high-risk
// sports, 9 outdoor signboard, 10 fire safety inspection.
const FOOD: &str = "预包装食品销售（含冷藏冷冻食品），散装食品销售";
const FOOD_SHORT: &str = "预包装食品销售";
const RESTAURANT: &str = "热食类食品制售，冷食类食品制售";
const DRUGS: &str = "处方药、甲类非处方药、乙类非处方药";

/// Ten realistic enterprises with their industries' permits.
pub fn samples() -> Vec<(&'static str, LicenseClaims)> {
    vec![
        (
            "Pudong convenience store",
            license(
                "310115",
                123,
                101,
                "上海全家便利店有限公司浦东第八十八分店",
                "91310115MA1H7GK2X",
                310115,
                "张江镇祖冲之路2290弄1号1层",
                "王建国",
                &[(1, Some(FOOD)), (2, None), (3, None), (4, None), (6, None)],
            ),
        ),
        (
            "Pudong restaurant",
            license(
                "310115",
                124,
                102,
                "上海小杨生煎餐饮管理有限公司陆家嘴店",
                "91310115MA1K4B7N3",
                310115,
                "陆家嘴环路1000号B1层",
                "杨志强",
                &[(1, Some(RESTAURANT)), (6, None), (9, None)],
            ),
        ),
        (
            "Pudong pharmacy",
            license(
                "310115",
                125,
                103,
                "上海益丰大药房连锁有限公司浦东川沙店",
                "91310115MA1G2R8P6",
                310115,
                "川沙新镇华夏东路2888号",
                "李秀英",
                &[(5, Some(DRUGS)), (4, None), (1, Some(FOOD_SHORT))],
            ),
        ),
        (
            "Pudong gym",
            license(
                "310115",
                126,
                105,
                "上海力美健健身服务有限公司",
                "91310115MA1L3D5W8",
                310115,
                "世纪大道1198号世纪汇广场3楼",
                "陈浩",
                &[(8, Some("游泳")), (6, None)],
            ),
        ),
        (
            "Yuhuatai convenience store",
            license(
                "320114",
                37,
                101,
                "南京苏果超市有限公司雨花台区西善桥店",
                "91320114MA1MXK9T4",
                320114,
                "西善桥街道岱山西路18号",
                "张伟",
                &[(1, Some(FOOD)), (2, None), (3, None), (6, None)],
            ),
        ),
        (
            "Yuhuatai hotel",
            license(
                "320114",
                38,
                104,
                "南京雨花客厅酒店管理有限公司",
                "91320114MA1Y2LQ05",
                320114,
                "软件大道170号",
                "刘洋",
                &[(7, None), (6, None), (1, Some(RESTAURANT))],
            ),
        ),
        (
            "Yuhuatai bakery",
            license(
                "320114",
                39,
                106,
                "南京好利来食品有限公司雨花店",
                "91320114MA1T8NB27",
                320114,
                "雨花东路12号",
                "赵敏",
                &[(1, Some("糕点类食品制售")), (9, None)],
            ),
        ),
        (
            "Honggutan beauty salon",
            license(
                "360113",
                501,
                107,
                "南昌市红谷滩区丽人坊美容美发店",
                "92360113MA3AB4C5D",
                360113,
                "凤凰中大道926号",
                "黄丽",
                &[(6, None), (9, None)],
            ),
        ),
        (
            "Honggutan supermarket",
            license(
                "360113",
                502,
                108,
                "江西洪客隆百货投资有限公司红谷滩店",
                "91360113MA35F6G7H",
                360113,
                "红谷中大道1388号",
                "周杰",
                &[(1, Some(FOOD)), (2, None), (3, None), (10, None)],
            ),
        ),
        ("Pudong restaurant (verbatim permit number)", {
            let mut l = license(
                "310115",
                127,
                102,
                "上海外婆家餐饮有限公司浦东店",
                "91310115MA1N5P6Q7",
                310115,
                "张杨路500号华润时代广场5楼",
                "吴晓东",
                &[(1, Some(RESTAURANT)), (6, None)],
            );
            if let Some(p) = l.permits.first_mut() {
                p.number = "JY23101150067890".to_owned();
            }
            l
        }),
    ]
}

/// 30-character name, 40-character full address (江苏省南京市雨花台区 becomes 320114, 30
/// characters of street and door number remain), the industry with the most permits (5),
/// the food permit with its full scope.
pub fn worst_case() -> LicenseClaims {
    let name = "南京市雨花台区铁心桥街道鑫源盛世百货便利连锁超市管理有限公司";
    let full_address =
        "江苏省南京市雨花台区铁心桥街道西善桥南路一百二十八号金鹰汇购物中心负一层一零八号";
    let detail = full_address.trim_start_matches("江苏省南京市雨花台区");
    license(
        "320114",
        999_999,
        101,
        name,
        "91320114MA1WXYZ09",
        320114,
        detail,
        "欧阳明远",
        &[(1, Some(FOOD)), (2, None), (3, None), (4, None), (6, None)],
    )
}

/// The worst case with a scope on every permit as well: beyond the version 16 target.
pub fn worst_case_all_scopes() -> LicenseClaims {
    let mut l = worst_case();
    let scopes = [
        "酒类零售",
        "卷烟、雪茄烟零售",
        "第二类医疗器械零售",
        "公共场所（商场、超市）",
    ];
    for (p, scope) in l.permits.iter_mut().skip(1).zip(scopes) {
        p.scope = Some(scope.to_owned());
    }
    l
}
