// The navigation screen: saved and recent places, nearby categories, the place search and the route in
// progress. The English object is the source of truth; `satisfies` makes id and zh carry exactly its keys.
import type { Strings } from './shape.js';

const en = {
  saved: 'Saved places',
  recent: 'Recent destinations',
  nearby: 'Find nearby',
  noPlaces: 'No saved or recent places yet. Say where to go.',
  label: { home: 'Home', work: 'Work' },
  goTo: 'Navigate to {{place}}',
  findNearest: 'Find the nearest: {{category}}',
  away: '{{distance}} away',
  search: {
    heading: 'Search',
    label: 'Search for a place',
    placeholder: 'Street, place or address',
    none: 'Nothing found for “{{query}}”',
    results: 'Results for “{{query}}”',
    parked: 'Search is available when parked — say where to go',
    clear: 'Clear the search',
  },
  route: {
    to: 'To {{place}}',
    in: 'In {{distance}}',
    arriving: 'Arriving at your destination',
    left: '{{remaining}} left',
    stop: 'Stop navigation',
  },
};

export const navigation = {
  en,
  id: {
    saved: 'Tempat tersimpan',
    recent: 'Tujuan terakhir',
    nearby: 'Cari di sekitar',
    noPlaces: 'Belum ada tempat tersimpan atau tujuan terakhir. Sebutkan tujuan Anda.',
    label: { home: 'Rumah', work: 'Kantor' },
    goTo: 'Navigasi ke {{place}}',
    findNearest: 'Cari yang terdekat: {{category}}',
    away: '{{distance}} dari sini',
    search: {
      heading: 'Cari',
      label: 'Cari tempat',
      placeholder: 'Jalan, tempat, atau alamat',
      none: 'Tidak ada hasil untuk “{{query}}”',
      results: 'Hasil untuk “{{query}}”',
      parked: 'Pencarian tersedia saat parkir — sebutkan tujuan Anda',
      clear: 'Hapus pencarian',
    },
    route: {
      to: 'Ke {{place}}',
      in: 'Dalam {{distance}}',
      arriving: 'Hampir tiba di tujuan',
      left: 'Sisa {{remaining}}',
      stop: 'Hentikan navigasi',
    },
  } satisfies Strings<typeof en>,
  zh: {
    saved: '收藏的地点',
    recent: '最近的目的地',
    nearby: '查找附近',
    noPlaces: '还没有收藏或最近的地点。说出您要去哪里。',
    label: { home: '家', work: '公司' },
    goTo: '导航到{{place}}',
    findNearest: '查找最近的{{category}}',
    away: '距离{{distance}}',
    search: {
      heading: '搜索',
      label: '搜索地点',
      placeholder: '街道、地点或地址',
      none: '没有找到“{{query}}”',
      results: '“{{query}}”的结果',
      parked: '停车后可以搜索——请说出您要去哪里',
      clear: '清除搜索',
    },
    route: {
      to: '前往{{place}}',
      in: '{{distance}}后',
      arriving: '即将到达目的地',
      left: '剩余{{remaining}}',
      stop: '停止导航',
    },
  } satisfies Strings<typeof en>,
};
