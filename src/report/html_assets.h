/* html_assets.h — the web page's stylesheet and script (src/report/html/), built into racesim. */
#ifndef RACESIM_HTML_ASSETS_H
#define RACESIM_HTML_ASSETS_H

extern const char html_page_css[];   /* src/report/html/page.css */
extern const char html_page_js[];    /* src/report/html/page.js */

#endif
