// The page checks of rasad.testing.journey, evaluated in the page by Playwright. Two functions:
// visibleText() lists what a person can read; layoutProblems(phone) lists what is wrong with the
// layout (sideways scroll, unstyled controls, small tap targets on a phone).
({
  // Identifiers are exempt: elements marked translate="no" (usernames, codes, formulas), code,
  // kbd and samp; and what nobody reads (scripts, hidden text, the map's attribution).
  exempt: '[translate="no"], code, kbd, samp, script, style, noscript, template, ' +
          '.leaflet-control-attribution, .visually-hidden',

  hidden(el) {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.display === 'none' || style.visibility === 'hidden') return true;
    }
    return false;
  },

  // `also` exempts more for one check: the Gregorian-date check passes a date shown on purpose as
  // the Gregorian one beside its Jalali form (data-calendar="gregorian").
  visibleText(also) {
    const out = [];
    const exempt = also ? `${this.exempt}, ${also}` : this.exempt;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      const text = node.textContent.trim();
      if (!text || !el || el.closest(exempt)) continue;
      // Options of a closed select are what the person will choose from: they count too.
      if (el.tagName !== 'OPTION' && el.tagName !== 'OPTGROUP' && this.hidden(el)) continue;
      out.push(text);
    }
    const readable = el => !el.closest(exempt) && !this.hidden(el);
    document.querySelectorAll('input[placeholder], textarea[placeholder]').forEach(el => {
      if (readable(el)) out.push(el.getAttribute('placeholder'));
    });
    // Numbers a form starts with (its initial or stored values) are shown in Persian digits.
    document.querySelectorAll('input[inputmode=decimal]').forEach(el => {
      if (readable(el) && el.defaultValue) out.push(el.defaultValue);
    });
    document.querySelectorAll('input[type=submit], input[type=button]').forEach(el => {
      if (readable(el)) out.push(el.value);
    });
    document.querySelectorAll('optgroup[label]').forEach(el => {
      if (!el.closest(exempt)) out.push(el.label);
    });
    out.push(document.title);
    return out;
  },

  visible(el) {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  },

  layoutProblems(phone) {
    const problems = [];
    // The layout viewport's width: a phone browser widens the window itself (innerWidth) to a
    // page wider than the screen and shrinks it to fit, so innerWidth never saw the overflow.
    const width = document.documentElement.clientWidth;
    const page = document.documentElement;
    if (page.scrollWidth > width + 1) {
      const scrolling = '.table-responsive, .leaflet-container, .overflow-auto, .case-board';
      const wide = [...document.querySelectorAll('body *')].filter(el => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && (box.right > width + 1 || box.left < -1) && !el.closest(scrolling);
      }).slice(0, 3).map(el => el.tagName.toLowerCase() + (el.className ? '.' +
        String(el.className).trim().split(/\s+/).join('.') : ''));
      problems.push(`the page scrolls sideways: ${page.scrollWidth}px wide in a ${width}px window ` +
                    `(${wide.join(', ')})`);
    }
    const styled = /\b(form-control|form-select|form-check-input|btn-check|btn)\b/;
    document.querySelectorAll('input:not([type=hidden]), select, textarea').forEach(el => {
      if (!this.visible(el) || el.closest('.leaflet-container')) return;
      if (!styled.test(el.className)) {
        problems.push(`an unstyled control: ${el.tagName.toLowerCase()}[name=${el.name || '?'}]`);
      }
    });
    // A list with nothing in it says so in words ("no file is attached yet"), not with a lone dash.
    document.querySelectorAll('ul > li:only-child, ol > li:only-child').forEach(el => {
      if (this.visible(el) && el.textContent.trim() === '—') {
        problems.push(`an empty list that says only «—»: ${el.parentElement.dataset.testid || el.parentElement.className}`);
      }
    });
    // A file field left as the browser draws it speaks the browser's language ("Choose File",
    // "No file chosen"): web/rasad.js dresses each one in the page's words (.file-picker).
    document.querySelectorAll('input[type=file]').forEach(el => {
      if (this.visible(el) && !el.closest('.file-picker')) {
        problems.push(`a file field in the browser's own words: input[name=${el.name || '?'}]`);
      }
    });
    // A list says what it chooses in words a person sees (on a phone too): a label of its own, a
    // visible element it names with aria-labelledby, the label of the group it is part of (a
    // period picker's month and year under the field's label: a label of no other control within
    // two levels up), or its table column's heading. Its options alone do not say it.
    const shown = label => label && this.visible(label) && label.textContent.trim();
    const groupLabel = el => {
      let box = el.parentElement;
      for (let depth = 0; box && depth < 3 && !['FORM', 'TBODY', 'TR', 'UL'].includes(box.tagName);
           depth++, box = box.parentElement) {
        if ([...box.querySelectorAll('label, legend')].some(l => (!l.control || l.control === el) && shown(l))) {
          return true;
        }
      }
      return false;
    };
    const columnHeading = el => {
      const cell = el.closest('td');
      const table = cell && cell.closest('table');
      const row = table && table.tHead && table.tHead.rows[0];
      return Boolean(row && shown(row.cells[cell.cellIndex]));
    };
    document.querySelectorAll('select').forEach(el => {
      if (!this.visible(el) || el.closest('.leaflet-container')) return;
      const named = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
        .map(id => document.getElementById(id));
      if (![...(el.labels || []), ...named].some(shown) && !groupLabel(el) && !columnHeading(el)) {
        problems.push(`a list with no visible label: select[name=${el.name || '?'}]`);
      }
    });
    // A list's empty choice says in words that nothing is chosen (Django's is "---------").
    document.querySelectorAll('select').forEach(el => {
      if (!this.visible(el)) return;
      if ([...el.options].some(option => /^-{3,}$/.test(option.text.trim()))) {
        problems.push(`a choice of dashes in select[name=${el.name || '?'}]`);
      }
    });
    // One action, one button: a page that repeats its sub-navigation's "New event" button (the
    // same words, the same address) shows the reader two of everything.
    const buttons = new Map();
    document.querySelectorAll('a.btn[href]').forEach(el => {
      if (!this.visible(el) || el.closest('.dropdown-menu')) return;
      const key = `${el.innerText.trim()} ${el.getAttribute('href')}`;
      if (buttons.has(key) && buttons.get(key) !== 'reported') {
        problems.push(`the same button twice: «${el.innerText.trim().slice(0, 40)}»`);
        buttons.set(key, 'reported');
      } else if (!buttons.has(key)) {
        buttons.set(key, el);
      }
    });
    if (phone) {
      const targets = 'button, .btn, select, .nav-link, .page-link, .dropdown-item, ' +
                      'input:not([type=hidden]):not([type=checkbox]):not([type=radio])';
      document.querySelectorAll(targets).forEach(el => {
        if (!this.visible(el) || el.closest('.leaflet-container, .dropdown-menu:not(.show)')) return;
        // 44 px (WCAG 2.5.5): rasad.css gives every control that height on a touch screen.
        const height = el.getBoundingClientRect().height;
        if (height < 43.5) {
          const label = (el.innerText || el.value || el.name || '').trim().slice(0, 30);
          problems.push(`a small tap target (${Math.round(height)}px high): ${el.tagName.toLowerCase()} «${label}»`);
        }
      });
    }
    return problems;
  },
})
