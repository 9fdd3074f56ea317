/** Realistic Telegram launch data and themes, shared by the launch-params, theme and mini-app tests. */

export const IOS_LIGHT = {
  bg_color: "#ffffff",
  text_color: "#000000",
  hint_color: "#8e8e93",
  link_color: "#007aff",
  button_color: "#007aff",
  button_text_color: "#ffffff",
  secondary_bg_color: "#efeff3",
  header_bg_color: "#f8f8f8",
  accent_text_color: "#007aff",
  section_bg_color: "#ffffff",
  section_header_text_color: "#6d6d72",
  subtitle_text_color: "#8e8e93",
  destructive_text_color: "#ff3b30",
};

export const ANDROID_DARK = {
  bg_color: "#212d3b",
  section_bg_color: "#1d2733",
  secondary_bg_color: "#151e27",
  text_color: "#ffffff",
  hint_color: "#7d8b99",
  link_color: "#5eabe1",
  button_color: "#50a8eb",
  button_text_color: "#ffffff",
  header_bg_color: "#242d39",
  accent_text_color: "#64b5ef",
  section_header_text_color: "#79c4fc",
  subtitle_text_color: "#7b8790",
  destructive_text_color: "#ee686f",
  section_separator_color: "#0d1218",
  bottom_bar_bg_color: "#151e27",
};

export const USER_JSON = '{"id":279058397,"first_name":"Vladislav","last_name":"Kibenko","username":"vdkfrost","language_code":"ru","is_premium":true,"allows_write_to_pm":true}';
export const INIT_DATA = `query_id=AAHdF6IQAAAAAN0XohDhrOrc&user=${encodeURIComponent(USER_JSON)}&auth_date=1662771648&signature=abc&hash=c501b71e775f74ce10e377dea85a7ea24ecd640b223ea86dfe453e0eaed2e2b2`;
export const HASH = `#tgWebAppData=${encodeURIComponent(INIT_DATA)}&tgWebAppVersion=7.10&tgWebAppPlatform=ios&tgWebAppThemeParams=${encodeURIComponent(JSON.stringify(IOS_LIGHT))}`;
