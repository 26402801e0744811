// The rich-text editor of portal.editor.RichTextWidget.
//
// django-prose-editor's bundle (ProseMirror and Tiptap, served by this site) is imported by
// its static URL, given in the textarea's data-rich-text-editor: no import map, so no
// inline script under the Content-Security-Policy. The schema below is what
// portal/richtext.py keeps: headings 2–4, paragraphs, lists, quotes, rules, tables, links
// (http, https, mailto or relative), bold, italic, underline, strike, sub/superscript,
// alignment as class="align-…", and images served from this site's upload URL.
// Text pasted from Word or WPS is parsed through that schema; everything else goes.
//
// Keyboard: the toolbar is one tab stop (role="toolbar"); arrow keys, Home and End move
// between its buttons, Enter or Space presses one, Escape returns to the text, and
// Alt+F10 in the text goes to the toolbar.

const LABELS = {
  heading2: "二级标题（Ctrl+Alt+2）",
  heading3: "三级标题（Ctrl+Alt+3）",
  heading4: "四级标题（Ctrl+Alt+4）",
  paragraph: "正文段落（Ctrl+Alt+0）",
  bulletList: "项目符号列表（Ctrl+Shift+8）",
  orderedList: "编号列表（Ctrl+Shift+7）",
  blockquote: "引用（Ctrl+Shift+B）",
  horizontalRule: "分隔线",
  bold: "加粗（Ctrl+B）",
  italic: "倾斜（Ctrl+I）",
  underline: "下划线（Ctrl+U）",
  strike: "删除线（Ctrl+Shift+S）",
  subscript: "下标（Ctrl+,）",
  superscript: "上标（Ctrl+.）",
  link: "插入或编辑链接（先选中文字）",
  unlink: "取消链接",
  "textAlign:left": "左对齐（Ctrl+Shift+L）",
  "textAlign:center": "居中（Ctrl+Shift+E）",
  "textAlign:right": "右对齐（Ctrl+Shift+R）",
  "textAlign:justify": "两端对齐（Ctrl+Shift+J）",
  table: "插入表格",
  "table:addColumnAfter": "在右侧插入列",
  "table:addColumnBefore": "在左侧插入列",
  "table:deleteColumn": "删除列",
  "table:addRowAfter": "在下方插入行",
  "table:addRowBefore": "在上方插入行",
  "table:deleteRow": "删除行",
  "table:deleteTable": "删除表格",
  "table:mergeCells": "合并单元格",
  "table:splitCell": "拆分单元格",
  "table:toggleHeaderColumn": "首列设为表头",
  "table:toggleHeaderRow": "首行设为表头",
  "table:toggleHeaderCell": "设为表头单元格",
  image: "插入图片（须填写替代文字）",
  "history:undo": "撤销（Ctrl+Z）",
  "history:redo": "重做（Ctrl+Shift+Z）",
};
// Buttons that switch a format on and off: they say whether it is on (aria-pressed).
const TOGGLES = /^(heading\d|paragraph|bulletList|orderedList|blockquote|bold|italic|underline|strike|subscript|superscript|textAlign:.*)$/;
// The strings django-prose-editor's dialogs ask gettext for.
const DIALOG_TEXT = {
  URL: "链接地址",
  Title: "提示文字（可不填）",
  "Edit Link": "链接",
  "Open in new window": "在新窗口打开",
  Update: "确定",
  Insert: "插入",
  Cancel: "取消",
  "Table Properties": "插入表格",
  "Insert Table": "插入",
  Rows: "行数",
  Columns: "列数",
  "Include header row": "首行为表头",
};

// Options of the library's dialogs, shown in Chinese; their values stay what it compares.
const OPTION_TEXT = { Yes: "是", No: "否" };

const dialogs = new WeakMap();

// The library appends its dialogs to the editor's wrapper (only its children are watched,
// not every keystroke's change to the text).
function translateDialogOptions(wrapper) {
  const observer = new MutationObserver(() => {
    for (const option of wrapper.querySelectorAll(":scope > * > .prose-editor-dialog option:not([value])")) {
      if (OPTION_TEXT[option.textContent]) {
        option.value = option.textContent;
        option.textContent = OPTION_TEXT[option.value];
      }
    }
  });
  observer.observe(wrapper, { childList: true });
}

function installTranslations() {
  const base = window.gettext;
  if (base && base.richTextEditor) return;
  const translate = (text) => DIALOG_TEXT[text] ?? (base ? base(text) : text);
  translate.richTextEditor = true;
  window.gettext = translate;
}

function extensions(E, config) {
  const allowedLink = /^(https?:|mailto:|\/|#|[^:]*$)/i;
  // Alignment as class="align-…" (the public pages' CSP refuses style attributes), read
  // also from Word's style="text-align: …" and older bodies' align="…".
  const Alignment = E.TextAlign.extend({
    addGlobalAttributes() {
      const { types, alignments, defaultAlignment } = this.options;
      return [
        {
          types,
          attributes: {
            textAlign: {
              default: defaultAlignment,
              parseHTML: (element) => {
                const named = [...element.classList].find((name) => name.startsWith("align-"));
                const value = (
                  (named && named.slice("align-".length)) ||
                  element.style.textAlign ||
                  element.getAttribute("align") ||
                  ""
                ).toLowerCase();
                return alignments.includes(value) ? value : defaultAlignment;
              },
              renderHTML: (attributes) =>
                attributes.textAlign && attributes.textAlign !== defaultAlignment
                  ? { class: `align-${attributes.textAlign}` }
                  : {},
            },
          },
        },
      ];
    },
  });
  // Only images uploaded here: Word's file:///C:/… and any other source are not parsed.
  const UploadedImage = E.Image.extend({
    parseHTML() {
      return [{ tag: `img[src^="${config.imagePrefix}"]` }];
    },
  });
  const ImageButton = E.Extension.create({
    name: "imageButton",
    addMenuItems({ menu, buttons }) {
      menu.defineItem({
        name: "image",
        groups: "image",
        button: buttons.material("add_photo_alternate", LABELS.image),
        active: (editor) => editor.isActive("image"),
        command: (editor) => openImageDialog(editor, config),
      });
    },
  });
  return [
    E.Document,
    E.Paragraph,
    E.Text,
    E.HardBreak,
    E.Heading.configure({ levels: [2, 3, 4] }),
    E.BulletList,
    E.OrderedList,
    E.ListItem,
    E.Blockquote,
    E.HorizontalRule,
    E.Bold,
    E.Italic,
    E.Underline,
    E.Strike,
    E.Subscript,
    E.Superscript,
    E.Link.configure({
      openOnClick: false,
      enableTarget: false,
      isAllowedUri: (url, context) => allowedLink.test(url.trim()) && context.defaultValidate(url),
    }),
    // Left is how text runs anyway: the editor writes no style for it.
    Alignment.configure({ types: ["heading", "paragraph"], defaultAlignment: "left" }),
    E.Table,
    E.TableRow,
    E.TableHeader,
    E.TableCell,
    // Inline, as in Word: an image sits in a paragraph, which the alignment buttons centre.
    UploadedImage.configure({ inline: true }),
    ImageButton,
    E.History,
    E.Dropcursor,
    E.Gapcursor,
    E.Menu.configure({
      groups: [
        { group: "blockType -lists" },
        { group: "lists" },
        { group: "nodes -blockType -lists" },
        { group: "marks" },
        { group: "link" },
        { group: "textAlign" },
        { group: "table" },
        { group: "image" },
        { group: "history" },
      ],
    }),
  ];
}

function emptyAsBlank(html) {
  return /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
}

async function createEditor(textarea) {
  if (textarea.closest(".prose-editor") || textarea.id.includes("__prefix__")) return null;
  const config = JSON.parse(textarea.dataset.richTextEditor);
  installTranslations();
  const E = await import(config.editorModule);
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  if (label && !label.id) label.id = `${textarea.id}_label`;
  const wrapper = document.createElement("div");
  wrapper.className = "prose-editor rich-text-editor";
  textarea.before(wrapper);
  wrapper.append(textarea);
  translateDialogOptions(wrapper);
  const attributes = { role: "textbox", "aria-multiline": "true", id: `${textarea.id}_editor` };
  if (label) attributes["aria-labelledby"] = label.id;
  if (textarea.getAttribute("aria-describedby")) {
    attributes["aria-describedby"] = textarea.getAttribute("aria-describedby");
  }
  const editor = new E.Editor({
    element: wrapper,
    extensions: extensions(E, config),
    content: textarea.value,
    editable: !textarea.disabled,
    editorProps: { attributes },
    onUpdate({ editor: updated }) {
      textarea.value = emptyAsBlank(updated.getHTML());
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
  });
  if (label) label.addEventListener("click", () => editor.commands.focus());
  // Tiptap builds the toolbar when it emits "create", after this constructor returns.
  await new Promise((resolve) => editor.on("create", resolve));
  const toolbar = wrapper.querySelector(".prose-menubar");
  if (toolbar) makeToolbarAccessible(editor, toolbar, label);
  wrapper.dataset.ready = "true";
  return editor;
}

function makeToolbarAccessible(editor, toolbar, label) {
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", `${label ? label.textContent.replace(/[:：]\s*$/, "") : "正文"}格式工具栏`);
  toolbar.setAttribute("aria-controls", editor.view.dom.id);
  const buttons = [...toolbar.querySelectorAll("button")];
  for (const button of buttons) {
    const text = LABELS[button.dataset.name];
    if (text) {
      button.title = text;
      button.setAttribute("aria-label", text);
    }
    button.tabIndex = -1;
  }
  const visible = () => buttons.filter((button) => !button.classList.contains("hidden"));
  let current = buttons[0];
  const makeCurrent = (button) => {
    if (current) current.tabIndex = -1;
    current = button;
    current.tabIndex = 0;
  };
  makeCurrent(current);
  const sync = () => {
    for (const button of buttons) {
      if (TOGGLES.test(button.dataset.name || "")) {
        button.setAttribute("aria-pressed", String(button.classList.contains("active")));
      }
      if (button.classList.contains("disabled")) button.setAttribute("aria-disabled", "true");
      else button.removeAttribute("aria-disabled");
    }
    // A button that has just been hidden (table tools outside a table) is no tab stop.
    if (current.classList.contains("hidden")) makeCurrent(visible()[0]);
  };
  editor.on("transaction", sync);
  sync();
  toolbar.addEventListener("focusin", (event) => {
    if (buttons.includes(event.target)) makeCurrent(event.target);
  });
  toolbar.addEventListener("keydown", (event) => {
    const shown = visible();
    const index = shown.indexOf(document.activeElement);
    let next = null;
    if (event.key === "ArrowRight" || event.key === "ArrowDown") next = shown[(index + 1) % shown.length];
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") next = shown[(index - 1 + shown.length) % shown.length];
    else if (event.key === "Home") next = shown[0];
    else if (event.key === "End") next = shown[shown.length - 1];
    else if (event.key === "Escape") {
      event.preventDefault();
      editor.commands.focus();
      return;
    }
    if (next) {
      event.preventDefault();
      makeCurrent(next);
      next.focus();
    }
  });
  editor.view.dom.addEventListener("keydown", (event) => {
    if (event.altKey && event.key === "F10") {
      event.preventDefault();
      current.focus();
    }
  });
}

// --- Images: upload with alternative text, or change the text of the selected image ---

function imageDialog(editor, config) {
  if (dialogs.has(editor)) return dialogs.get(editor);
  const id = `${editor.view.dom.id}_image`;
  const dialog = document.createElement("dialog");
  dialog.className = "prose-editor-dialog rich-text-image-dialog";
  dialog.setAttribute("aria-labelledby", `${id}_title`);
  dialog.innerHTML = `
    <form method="dialog" novalidate>
      <h3 class="prose-editor-dialog-title" id="${id}_title"></h3>
      <div class="prose-editor-dialog-field" data-field="file">
        <label for="${id}_file">图片文件</label>
        <span class="prose-editor-help" id="${id}_file_help"></span>
        <input type="file" id="${id}_file" name="image" accept="image/jpeg,image/png" aria-describedby="${id}_file_help">
      </div>
      <div class="prose-editor-dialog-field">
        <label for="${id}_alt">替代文字（必填）</label>
        <span class="prose-editor-help" id="${id}_alt_help">用一句话说明图片表达的内容，供看不到图片的读者（读屏软件）使用。</span>
        <input type="text" id="${id}_alt" name="alt" maxlength="200" required aria-describedby="${id}_alt_help">
      </div>
      <p class="rich-text-image-error" id="${id}_error" role="alert"></p>
      <div class="prose-editor-dialog-buttons">
        <button type="submit" value="ok"></button>
        <button type="button" value="cancel">取消</button>
      </div>
    </form>`;
  dialog.querySelector("#" + CSS.escape(`${id}_file_help`)).textContent = `${config.uploadLimits}。`;
  document.body.append(dialog); // outside the admin's form: forms do not nest
  dialog.querySelector('button[value="cancel"]').addEventListener("click", () => dialog.close());
  dialogs.set(editor, dialog);
  return dialog;
}

function openImageDialog(editor, config) {
  const dialog = imageDialog(editor, config);
  const editing = editor.isActive("image");
  const form = dialog.querySelector("form");
  const fileField = dialog.querySelector('[data-field="file"]');
  const file = form.elements.image;
  const alt = form.elements.alt;
  const error = dialog.querySelector(".rich-text-image-error");
  const submit = dialog.querySelector('button[value="ok"]');
  dialog.querySelector("h3").textContent = editing ? "图片的替代文字" : "插入图片";
  submit.textContent = editing ? "确定" : "上传并插入";
  fileField.hidden = editing;
  form.reset();
  alt.value = editing ? editor.getAttributes("image").alt || "" : "";
  error.textContent = "";
  const fail = (message, field) => {
    error.textContent = message;
    if (field) field.focus();
  };
  form.onsubmit = async (event) => {
    event.preventDefault();
    const text = alt.value.trim();
    if (!editing && !file.files.length) return fail("请选择要插入的图片（JPEG 或 PNG）。", file);
    if (!text) return fail("请填写替代文字：用一句话说明图片内容，供读屏软件朗读。", alt);
    if (editing) {
      editor.chain().focus().updateAttributes("image", { alt: text }).run();
      dialog.close();
      return;
    }
    const body = new FormData();
    body.append("image", file.files[0]);
    body.append("alt", text);
    submit.disabled = true;
    error.textContent = "正在上传……";
    try {
      const response = await fetch(config.uploadUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(editor), Accept: "application/json" },
      });
      const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
      if (!isJson) {
        return fail(
          response.status === 403 || response.redirected
            ? "登录已过期或页面已失效：请先保存正文的副本，刷新页面后重试。"
            : `上传失败（${response.status}），请稍后重试。`,
        );
      }
      const answer = await response.json();
      if (!response.ok) return fail(answer.error || `上传失败（${response.status}）。`, file);
      dialog.close();
      editor.chain().focus().setImage({ src: answer.url, alt: answer.alt }).run();
    } catch (problem) {
      fail("网络错误，图片未上传，请稍后重试。");
    } finally {
      submit.disabled = false;
    }
  };
  dialog.showModal();
  (editing ? alt : file).focus();
}

function csrfToken(editor) {
  const form = editor.view.dom.closest("form");
  const field = (form || document).querySelector('input[name="csrfmiddlewaretoken"]');
  return field ? field.value : "";
}

for (const textarea of document.querySelectorAll("textarea[data-rich-text-editor]")) {
  createEditor(textarea).catch((problem) => {
    // The plain textarea stays usable: text typed there still becomes paragraphs.
    console.error("Rich-text editor not started:", problem);
  });
}
