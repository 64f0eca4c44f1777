// The Font Awesome icons a schema's `ui.icon` may name ("fa-user", "fa-solid fa-user"),
// imported one by one so the bundle carries only these.
import {
  faBell, faBook, faBox, faBriefcase, faBuilding, faCalendar, faCalendarDays, faCartShopping, faChartLine, faCheck,
  faCircleCheck, faClock, faComment, faDatabase, faEnvelope, faFile, faFolder, faGear, faGlobe, faHeart, faHouse,
  faIdCard, faImage, faKey, faLink, faList, faLocationDot, faLock, faMoneyBill, faPhone, faSpider, faStar, faTable,
  faTag, faTags, faTruck, faUser, faUserShield, faUsers, faTicket, faFlag, faMusic, faCamera, faClipboard,
} from '@fortawesome/free-solid-svg-icons';

const all = [
  faBell, faBook, faBox, faBriefcase, faBuilding, faCalendar, faCalendarDays, faCartShopping, faChartLine, faCheck,
  faCircleCheck, faClock, faComment, faDatabase, faEnvelope, faFile, faFolder, faGear, faGlobe, faHeart, faHouse,
  faIdCard, faImage, faKey, faLink, faList, faLocationDot, faLock, faMoneyBill, faPhone, faSpider, faStar, faTable,
  faTag, faTags, faTruck, faUser, faUserShield, faUsers, faTicket, faFlag, faMusic, faCamera, faClipboard,
];
const byName = new Map();
for (const icon of all) {
  byName.set(icon.iconName, icon);
  for (const alias of icon.icon[2] || []) if (typeof alias === 'string') byName.set(alias, icon);
}
// Font Awesome 4/5 names the schemas of the original framework use.
const renamed = { cog: 'gear', home: 'house', 'map-marker': 'location-dot', 'shopping-cart': 'cart-shopping', 'calendar-alt': 'calendar-days' };

export function lookup(cls) {
  const names = String(cls || '').split(/\s+/).filter((c) => c.startsWith('fa-') && !['fa-solid', 'fa-regular', 'fa-brands'].includes(c));
  for (const n of names) {
    const bare = n.slice(3);
    const hit = byName.get(bare) || byName.get(renamed[bare]);
    if (hit) return hit;
  }
  return null;
}
