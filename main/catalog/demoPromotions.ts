import { toGtin14 } from '../../shared/barcode';
import type { Coupon, Promotion } from '../../shared/checkout/promotions';
import { produceGtin, showcase } from './demoCatalog';

/**
 * The demo store's offers, on the showcase items so the README and tests can name them:
 * one of each rule kind, a loyalty-only price, and coupons that work, need a minimum spend
 * or have expired. Prices are EUR cents.
 */

const chocolate = toGtin14(showcase.chocolate);
const milk = toGtin14(showcase.milk);
const coffee = toGtin14(showcase.coffee);
/** Loose bananas are found by PLU and keyed by the produce GTIN made from it. */
const bananas = produceGtin(showcase.bananasPlu);

export const demoPromotions: Promotion[] = [
  {
    id: 'demo-chocolate-20pct',
    name: { en: 'Dark chocolate 20% off', ru: 'Тёмный шоколад со скидкой 20%', lv: 'Tumšā šokolāde ar 20% atlaidi', bg: 'Черен шоколад с 20% отстъпка' },
    gtins: [chocolate],
    rule: { kind: 'percentage', percentBp: 2000 },
  },
  {
    id: 'demo-milk-3for3',
    name: { en: 'Milk: 3 for €3.00', ru: 'Молоко: 3 за 3,00 €', lv: 'Piens: 3 par 3,00 €', bg: 'Прясно мляко: 3 за 3,00 €' },
    gtins: [milk],
    rule: { kind: 'multiBuy', quantity: 3, priceMinor: 300 },
  },
  {
    id: 'demo-coffee-loyalty',
    name: {
      en: 'Loyalty card: €1.00 off ground coffee',
      ru: 'По карте клиента: молотый кофе на 1,00 € дешевле',
      lv: 'Ar klienta karti: maltā kafija par 1,00 € lētāka',
      bg: 'С клиентска карта: мляно кафе с 1,00 € по-евтино',
    },
    gtins: [coffee],
    rule: { kind: 'amountOff', amountMinor: 100 },
    loyaltyOnly: true,
  },
  {
    id: 'demo-bananas-per-kg',
    name: { en: 'Bananas: €0.50 off per kg', ru: 'Бананы: скидка 0,50 € за кг', lv: 'Banāni: 0,50 € atlaide par kg', bg: 'Банани: 0,50 € отстъпка на кг' },
    gtins: [bananas],
    rule: { kind: 'perKg', amountOffPerKgMinor: 50 },
  },
];

export const demoCouponCodes = {
  coffee: 'LW:C:COFFEE1',
  tenPercent: 'LW:C:10PCT',
  expired: 'LW:C:EXPIRED',
} as const;

export const demoCoupons: Coupon[] = [
  {
    code: demoCouponCodes.coffee,
    name: { en: 'Coupon: €1.00 off ground coffee', ru: 'Купон: скидка 1,00 € на молотый кофе', lv: 'Kupons: 1,00 € atlaide maltajai kafijai', bg: 'Купон: 1,00 € отстъпка за мляно кафе' },
    gtins: [coffee],
    rule: { kind: 'amountOff', amountMinor: 100 },
  },
  {
    code: demoCouponCodes.tenPercent,
    name: {
      en: 'Coupon: 10% off when you spend €10.00',
      ru: 'Купон: скидка 10% при покупке от 10,00 €',
      lv: 'Kupons: 10% atlaide, iepērkoties par vismaz 10,00 €',
      bg: 'Купон: 10% отстъпка при покупка за поне 10,00 €',
    },
    rule: { kind: 'percentage', percentBp: 1000 },
    minimumSpendMinor: 1000,
  },
  {
    code: demoCouponCodes.expired,
    name: { en: 'Winter coupon: €2.00 off', ru: 'Зимний купон: скидка 2,00 €', lv: 'Ziemas kupons: 2,00 € atlaide', bg: 'Зимен купон: 2,00 € отстъпка' },
    rule: { kind: 'amountOff', amountMinor: 200 },
    validFrom: Date.UTC(2024, 11, 1),
    // Ended at the start of 1 January 2025 (validTo is exclusive).
    validTo: Date.UTC(2025, 0, 1),
  },
];
