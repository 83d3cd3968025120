/* The roster's template to fill in, as CSV or XLSX, with two made-up example
 * households. */
#include <xlsxwriter.h>

#include "domain/kernel/xlsx.h"
#include "domain/register/roster_internal.h"
#include "util/buf.h"

/* ---------------------------------------------------------------- the template */

static const char *const column_help[NCOLS][2] = {
	[C_NUMBER] = {"必填", "本村的户号，同一户的每一行填同一个户号；已登记的户按户号对应，再次导入不会重复建户"},
	[C_GROUP] = {"选填", "所在村民小组的名称，须是本村已建立的小组（如“第一组”）；同一户只填一行也可以，留空则不修改已登记的小组"},
	[C_GRID] = {"选填", "所在网格的名称，须是本村已划分的网格（如“东片网格”）；同一户只填一行也可以，留空则不修改已登记的网格"},
	[C_ADDRESS] = {"选填", "家庭住址，最多 100 个字；同一户只填一行也可以，留空则不修改已登记的住址"},
	[C_NAME] = {"必填", "村民姓名，最多 20 个字，可含间隔号（·）"},
	[C_GENDER] = {"选填", "男 或 女；填写时须与身份证号一致"},
	[C_BIRTH] = {"选填", "如 1980-05-01 或 1980/5/1；填写时须与身份证号一致"},
	[C_IDCARD] = {"必填", "18 位居民身份证号，末位可为 X；请把这一列设为文本格式，以免 Excel 把号码改成科学计数法。"
			     "已登记的村民按身份证号对应，再次导入只更新有变化的内容"},
	[C_RELATION] = {"必填", "户主、配偶、子、女、儿媳、女婿、孙子、孙女、父亲、母亲、兄弟姐妹、其他；每户有且只有一位户主"},
	[C_PHONE] = {"选填", "11 位手机号，或“区号-号码”的座机；留空则不修改已登记的电话"},
	[C_PARTY] = {"选填", "群众、中共党员 或 中共预备党员；留空视为群众"},
	[C_TAGS] = {"选填", "户的标签名称，多个用顿号（、）或逗号隔开，如“党员户、独居老人”；须是县里设定的标签，导入时加上，已有的标签不会去掉；同一户只填一行也可以"},
	[C_PTAGS] = {"选填", "这一位村民本人的标签（关于人的标签，如“独居老人、残疾人户、退役军人”），多个用顿号（、）或逗号隔开；"
			     "须是县里设定的关于人的标签，户的标签（如“党员户”）请填在“标签”列；导入时加上，已有的不会去掉"},
};

/* The two example rows: one household, head and spouse. */
struct example {
	const char *cells[NCOLS];
};

static void example_rows(struct example ex[2], char ids[2][IDCARD_LEN + 1])
{
	for (int i = 0; i < 2; i++) {
		memcpy(ids[i], ros_example_ids[i], 17);
		ids[i][17] = idcard_check_char(ids[i]);
		ids[i][18] = 0;
	}
	static const char *const head[NCOLS] = {"001", "第一组", "", "第一组 12 号", "张建国", "男", "1965-03-12",
						NULL, "户主", "13800138000", "中共党员", "党员户、空巢老人", "退役军人"};
	static const char *const spouse[NCOLS] = {"001", "第一组", "", "第一组 12 号", "李秀英", "女", "1967-08-21",
						  NULL, "配偶", "", "群众", "", ""};
	for (int k = 0; k < NCOLS; k++) {
		ex[0].cells[k] = k == C_IDCARD ? ids[0] : head[k];
		ex[1].cells[k] = k == C_IDCARD ? ids[1] : spouse[k];
	}
}

static int template_csv(struct ctx *c, char **data, size_t *len)
{
	struct example ex[2];
	char ids[2][IDCARD_LEN + 1];
	example_rows(ex, ids);
	struct buf b;
	buf_init(&b, 64 * 1024);
	buf_adds(&b, "\xEF\xBB\xBF");
	for (int k = 0; k < NCOLS; k++)
		buf_addf(&b, "%s%s", k ? "," : "", roster_columns[k]);
	buf_adds(&b, "\r\n");
	for (int i = 0; i < 2; i++) {
		for (int k = 0; k < NCOLS; k++)
			buf_addf(&b, "%s%s", k ? "," : "", ex[i].cells[k]);
		buf_adds(&b, "\r\n");
	}
	if (b.failed) {
		buf_release(&b);
		return ctx_fail(c, RC_INTERNAL, "生成模板失败");
	}
	*data = buf_detach(&b, len);
	return RC_OK;
}

static void fill_workbook(lxw_workbook *wb)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "村民花名册");
	lxw_worksheet *help = workbook_add_worksheet(wb, "填写说明");
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xDDEBF7);
	format_set_border(head, LXW_BORDER_THIN);
	lxw_format *text = workbook_add_format(wb);
	format_set_num_format(text, "@");
	lxw_format *wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);

	static const double widths[NCOLS] = {8, 10, 22, 10, 6, 12, 22, 12, 14, 14};
	for (int k = 0; k < NCOLS; k++) {
		/* text columns, so numbers keep their leading zeros and all 18 digits */
		bool as_text = k == C_NUMBER || k == C_BIRTH || k == C_IDCARD || k == C_PHONE;
		worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, widths[k], as_text ? text : NULL);
		worksheet_write_string(ws, 0, (lxw_col_t)k, roster_columns[k], head);
	}
	struct example ex[2];
	char ids[2][IDCARD_LEN + 1];
	example_rows(ex, ids);
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < NCOLS; k++)
			if (ex[i].cells[k][0])
				worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)k, ex[i].cells[k], text);
	worksheet_freeze_panes(ws, 1, 0);

	/* drop-down lists where the values are fixed */
	static const char *genders[] = {"男", "女", NULL};
	static const char *parties[] = {"群众", "中共党员", "中共预备党员", NULL};
	const char *relations[16];
	int nrel = 0;
	while (people_relations[nrel] && nrel < 15) {
		relations[nrel] = people_relations[nrel];
		nrel++;
	}
	relations[nrel] = NULL;
	struct {
		enum col col;
		const char **list;
	} lists[] = {{C_GENDER, genders}, {C_RELATION, relations}, {C_PARTY, parties}};
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		lxw_data_validation dv = {.validate = LXW_VALIDATION_TYPE_LIST,
					  .value_list = (char **)lists[i].list,
					  .error_title = "请从列表中选择",
					  .error_message = "请从下拉列表中选择一项"};
		worksheet_data_validation_range(ws, 1, (lxw_col_t)lists[i].col, 20000,
						(lxw_col_t)lists[i].col, &dv);
	}

	worksheet_set_column(help, 0, 0, 14, NULL);
	worksheet_set_column(help, 1, 1, 10, NULL);
	worksheet_set_column(help, 2, 2, 80, wrap);
	worksheet_write_string(help, 0, 0, "列名", head);
	worksheet_write_string(help, 0, 1, "是否必填", head);
	worksheet_write_string(help, 0, 2, "说明", head);
	for (int k = 0; k < NCOLS; k++) {
		worksheet_write_string(help, (lxw_row_t)(k + 1), 0, roster_columns[k], NULL);
		worksheet_write_string(help, (lxw_row_t)(k + 1), 1, column_help[k][0], NULL);
		worksheet_write_string(help, (lxw_row_t)(k + 1), 2, column_help[k][1], wrap);
	}
	static const char *const notes[] = {
		"第一行是列名，不要修改；列的顺序可以调整，选填的列可以删去（删去的列不修改已登记的内容）。",
		"从第二行起每行一位村民，同一户的成员填同一个户号。第二、三行是示例，请删除后再填写。",
		"导入前会逐行检查，有任何错误都不会导入，并列出每处错误所在的行和列；改正后重新导入即可。",
		"同一份文件可以重复导入：已登记的户和村民不会重复，只更新有变化的内容。",
		"已在其他村登记的村民不能导入，须先在原村办理迁出。",
	};
	int row = NCOLS + 2;
	worksheet_write_string(help, (lxw_row_t)row++, 0, "注意事项", head);
	for (size_t i = 0; i < ARRAY_SIZE(notes); i++)
		worksheet_write_string(help, (lxw_row_t)row++, 2, notes[i], wrap);
	worksheet_activate(ws);
}

static int template_xlsx(struct ctx *c, char **data, size_t *len)
{
	struct xlsx x;
	int rc = xlsx_open(c, &x, false);
	if (rc)
		return rc;
	fill_workbook(x.wb);
	struct export_file f = {0};
	if ((rc = xlsx_finish(c, &x, &f)))
		return rc;
	*data = f.data;
	*len = f.len;
	return RC_OK;
}

enum result roster_template(struct ctx *c, const char *format, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	if (!format || !strcmp(format, "xlsx"))
		return template_xlsx(c, data, len);
	if (!strcmp(format, "csv"))
		return template_csv(c, data, len);
	return ctx_field(c, "format", "格式应为 xlsx 或 csv");
}
