"""The demo organisation and the name lists demo staff are drawn from."""
from __future__ import annotations

DEMO_PASSWORD = "demo-quantriet"  # nosec B105  # the demo password printed in the README
EMAIL_DOMAIN = "stnmt.thanhhoa.gov.vn"

DEPARTMENT = ("STNMT", "Sở Tài nguyên và Môi trường tỉnh Thanh Hóa", "Sở TN&MT")

# code, name, short name, head title, deputy title, default grade, number of staff, parent code
UNITS = [
    ("BGD", "Ban Giám đốc", "Ban Giám đốc", "Giám đốc Sở", "Phó Giám đốc Sở", None, 4, None),
    ("VP", "Văn phòng Sở", "Văn phòng", "Chánh Văn phòng", "Phó Chánh Văn phòng", "Chuyên viên", 14, None),
    ("TTR", "Thanh tra Sở", "Thanh tra", "Chánh Thanh tra", "Phó Chánh Thanh tra", "Thanh tra viên", 8, None),
    ("QLDD", "Phòng Quản lý đất đai", "P. QLĐĐ", "Trưởng phòng", "Phó Trưởng phòng", "Chuyên viên", 12, None),
    ("DDBD", "Phòng Đo đạc, bản đồ và viễn thám", "P. ĐĐBĐ&VT", "Trưởng phòng", "Phó Trưởng phòng", "Chuyên viên", 8, None),
    ("TNNKS", "Phòng Tài nguyên nước – Khoáng sản", "P. TNN-KS", "Trưởng phòng", "Phó Trưởng phòng", "Chuyên viên", 9, None),
    ("BKTTV", "Phòng Biển, Khí tượng thủy văn và Biến đổi khí hậu", "P. B,KTTV&BĐKH", "Trưởng phòng", "Phó Trưởng phòng", "Chuyên viên", 7, None),
    ("CCBVMT", "Chi cục Bảo vệ môi trường", "Chi cục BVMT", "Chi cục trưởng", "Phó Chi cục trưởng", "Chuyên viên", 12, None),
    ("VPDK", "Văn phòng Đăng ký đất đai", "VPĐKĐĐ", "Giám đốc", "Phó Giám đốc", "Viên chức", 10, None),
    ("VPDK-TP", "Chi nhánh Văn phòng Đăng ký đất đai thành phố Thanh Hóa", "CN TP Thanh Hóa", "Giám đốc Chi nhánh", "Phó Giám đốc Chi nhánh", "Viên chức", 8, "VPDK"),
    ("VPDK-SS", "Chi nhánh Văn phòng Đăng ký đất đai thành phố Sầm Sơn", "CN Sầm Sơn", "Giám đốc Chi nhánh", "Phó Giám đốc Chi nhánh", "Viên chức", 8, "VPDK"),
    ("VPDK-NS", "Chi nhánh Văn phòng Đăng ký đất đai thị xã Nghi Sơn", "CN Nghi Sơn", "Giám đốc Chi nhánh", "Phó Giám đốc Chi nhánh", "Viên chức", 8, "VPDK"),
    ("VPDK-TX", "Chi nhánh Văn phòng Đăng ký đất đai huyện Thọ Xuân", "CN Thọ Xuân", "Giám đốc Chi nhánh", "Phó Giám đốc Chi nhánh", "Viên chức", 8, "VPDK"),
    ("TTQT", "Trung tâm Quan trắc môi trường", "TT Quan trắc", "Giám đốc Trung tâm", "Phó Giám đốc Trung tâm", "Viên chức", 12, None),
    ("TTKT", "Trung tâm Kỹ thuật tài nguyên và môi trường", "TT Kỹ thuật", "Giám đốc Trung tâm", "Phó Giám đốc Trung tâm", "Viên chức", 12, None),
    ("TTDL", "Trung tâm Dữ liệu thông tin tài nguyên và môi trường", "TTDLTT", "Giám đốc Trung tâm", "Phó Giám đốc Trung tâm", "Viên chức", 10, None),
]

GRADES = {
    "Chuyên viên": ["Chuyên viên chính", "Chuyên viên", "Chuyên viên", "Chuyên viên", "Cán sự"],
    "Thanh tra viên": ["Thanh tra viên chính", "Thanh tra viên", "Thanh tra viên"],
    "Viên chức": ["Viên chức", "Viên chức", "Kỹ sư", "Kỹ thuật viên", "Người lao động"],
}

# Accounts with fixed codes, listed in the README: code, name, unit, title, roles, lessons already read.
FIXED_PEOPLE = [
    ("TNMT0001", "Trịnh Văn Hùng", "BGD", "Giám đốc Sở", ("unit_head",), 9),
    ("TNMT0002", "Lê Thị Thu Hà", "VP", "Chuyên viên phụ trách tổ chức cán bộ", ("hr",), 9),
    ("TNMT0003", "Nguyễn Đức Anh", "TTDL", "Phó Giám đốc Trung tâm", ("admin",), 9),
    ("TNMT0004", "Phạm Văn Cường", "QLDD", "Trưởng phòng", ("unit_head",), 5),
    ("TNMT0005", "Hoàng Thị Mai", "VPDK", "Giám đốc", ("unit_head",), 2),
    ("TNMT0006", "Đỗ Minh Quân", "QLDD", "Chuyên viên", (), 0),
    ("TNMT0007", "Bùi Thị Ngọc Ánh", "QLDD", "Chuyên viên", (), 4),
]

FAMILY_NAMES = (["Nguyễn"] * 30 + ["Lê"] * 10 + ["Trần"] * 8 + ["Phạm"] * 6 + ["Hoàng"] * 4 + ["Trịnh"] * 4
                + ["Vũ"] * 3 + ["Đỗ"] * 3 + ["Bùi"] * 3 + ["Đặng"] * 2 + ["Ngô"] * 2 + ["Mai"] * 2
                + ["Lương", "Dương", "Hồ", "Hà", "Lại", "Tống", "Cao", "Đinh", "Lường", "Cầm", "Phan", "Võ"])
MIDDLE_MALE = ["Văn", "Văn", "Văn", "Đức", "Hữu", "Minh", "Quang", "Xuân", "Ngọc", "Thành", "Công", "Đình",
               "Mạnh", "Tiến", "Anh", "Trọng", "Duy", "Bá"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Phương", "Hồng", "Thùy", "Minh", "Lan", "Mai",
                 "Thị Thu", "Thị Ngọc", "Khánh", "Bảo"]
GIVEN_MALE = ["An", "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hoàng", "Hùng",
              "Huy", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lực", "Mạnh", "Minh", "Nam", "Nghĩa", "Phong",
              "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Tiến", "Toàn", "Trung", "Tuấn", "Tùng",
              "Việt", "Vinh", "Vũ", "Ước", "Ẩn"]
GIVEN_FEMALE = ["Anh", "Ánh", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng",
                "Huyền", "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung",
                "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thu", "Thủy", "Trang", "Uyên", "Vân", "Yến"]
