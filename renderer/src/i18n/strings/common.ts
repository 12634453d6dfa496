// Strings shared by the whole screen: the navigation rail and the theme names. The English object is the
// source of truth; `satisfies` makes id and zh carry exactly its keys.
import type { Strings } from './shape.js';

const en = {
  nav: {
    label: 'Screens',
    home: 'Home',
    navigation: 'Navigate',
    messages: 'Messages',
    phone: 'Phone',
    climate: 'Climate',
    media: 'Media',
    vehicle: 'Vehicle',
    settings: 'Settings',
  },
  theme: { auto: 'Automatic', day: 'Day', night: 'Night' },
  back: 'Back',
  close: 'Close',
  moving: 'Some items are hidden while driving',
};

export const common = {
  en,
  id: {
    nav: {
      label: 'Layar',
      home: 'Beranda',
      navigation: 'Navigasi',
      messages: 'Pesan',
      phone: 'Telepon',
      climate: 'Iklim',
      media: 'Media',
      vehicle: 'Kendaraan',
      settings: 'Pengaturan',
    },
    theme: { auto: 'Otomatis', day: 'Siang', night: 'Malam' },
    back: 'Kembali',
    close: 'Tutup',
    moving: 'Beberapa item disembunyikan saat berkendara',
  } satisfies Strings<typeof en>,
  zh: {
    nav: {
      label: '屏幕',
      home: '主页',
      navigation: '导航',
      messages: '信息',
      phone: '电话',
      climate: '空调',
      media: '媒体',
      vehicle: '车辆',
      settings: '设置',
    },
    theme: { auto: '自动', day: '白天', night: '夜间' },
    back: '返回',
    close: '关闭',
    moving: '行驶中部分内容已隐藏',
  } satisfies Strings<typeof en>,
};
