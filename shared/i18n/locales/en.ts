import type { BarcodeRejectionReason } from '../../barcode/types';
import type { Notice } from '../../checkout/machine';
import type { BaggingMismatch } from '../../checkout/baggingArea';
import type { WeighingStatus } from '../../checkout/weighing';
import type { SignInProblem } from '../../checkout/events';
import type { CouponProblem } from '../../checkout/promotions';
import type { AssistantRef, PriceOverrideReason } from '../../checkout/sale';
import type { DeviceFault, DeviceRole } from '../../devices';
import type { DeclineReason, PaymentPrompt } from '../../payment';
import type { LaneLightIndication } from '../../checkout/laneLight';
import type { LaneMessageKey } from '../../supervisor/laneMessages';
import type { CommandRejection } from '../../supervisor/protocol';
import type { InterventionKind } from '../../supervisor/laneStatus';
import type { AuditEntry, StationCommandResult, TimelineEntry } from '../../supervisor/stationService';
import type { Language } from '../languages';
import type { NamedAuditAction, NamedAuditOutcome, NamedLaneState } from '../stationTerms';

/**
 * Keys every catalogue must have because the code builds them from a domain value
 * (`barcode.reason.<reason>` and so on): adding a reason, fault or notice kind without
 * its message fails the type check here.
 */
type DomainKeys =
  | `barcode.reason.${BarcodeRejectionReason}`
  | `notice.${Notice['kind']}.title`
  | `device.fault.${DeviceFault}`
  | `device.role.${DeviceRole}`
  | `device.banner.${DeviceRole}`
  | `device.status.${'closed' | 'connecting' | 'lost'}`
  | `payment.failure.declined.${DeclineReason}`
  | `payment.failure.${'timedOut' | 'unavailable'}`
  | `payment.prompt.${PaymentPrompt}`
  | `weighing.status.${WeighingStatus['kind']}`
  | `bagging.${BaggingMismatch['kind']}.${'title' | 'body'}`
  | `staff.signIn.problem.${SignInProblem}`
  | `coupon.problem.${CouponProblem}`
  | `staff.price.reason.${PriceOverrideReason}`
  | `laneMessage.${LaneMessageKey}`
  | `station.state.${NamedLaneState}`
  | `station.intervention.${InterventionKind}`
  | `station.light.${LaneLightIndication}`
  | `station.outcome.${StationCommandResult['outcome']}`
  | `station.reason.${CommandRejection | 'laneError' | 'notConnected'}`
  | `station.timeline.${TimelineEntry['kind']}`
  | `station.role.${AssistantRef['role']}`
  | `station.via.${AuditEntry['via']}`
  | `station.auditAction.${NamedAuditAction}`
  | `station.auditOutcome.${NamedAuditOutcome}`;

/**
 * English, the reference catalogue: every other language has exactly these keys
 * (with its own plural forms), and English is the fallback for anything missing at run time.
 *
 * Keys are flat (`screen.part`), camelCase, without `_` except for i18next plural
 * suffixes (`_one`, `_other`, …). Placeholders are `{{name}}` without spaces.
 * Shopper texts: plain words, short sentences, say what to do next.
 */
export const en = {
  'app.title': 'Self-checkout',
  'app.lane': 'Checkout {{laneId}}',
  'app.languages': 'Language',

  'connection.connecting': 'Connecting to the lane…',
  'connection.wait': 'Please wait a moment.',

  'welcome.title': 'Welcome',
  'welcome.scanToStart': 'Scan an item to start',
  'welcome.start': 'Start',
  'welcome.chooseLanguage': 'Choose your language',

  'outOfService.title': 'This checkout is closed',
  'outOfService.body': 'Please use another checkout.',
  'outOfService.problems': 'Problems at this checkout',
  'outOfService.deviceProblem': '{{device}}: {{problem}}',

  'basket.title': 'Your basket',
  'basket.empty': 'Your basket is empty. Scan your first item.',
  'basket.scanNext': 'Scan your next item',
  'basket.total': 'Total',
  'basket.itemCount_one': '{{count}} item',
  'basket.itemCount_other': '{{count}} items',
  'basket.quantityTimesPrice': '{{quantity}} × {{price}}',
  'basket.weightTimesPrice': '{{weight}} × {{price}}',
  'basket.pay': 'Pay',
  'basket.cancelSale': 'Cancel sale',
  'display.highContrast': 'High contrast',
  'help.call': 'Help',
  'help.cancel': 'Cancel help',
  'help.calledTitle': 'An assistant is on the way.',
  'help.calledBody': 'Please stay at the checkout.',
  'stillThere.title': 'Are you still there?',
  'stillThere.body': 'Touch the button to continue your shopping. Your basket is kept.',
  'stillThere.continue': 'Yes, continue',
  'parked.title': 'Your shopping is saved',
  'parked.body': 'Your basket ({{total}}) is kept. An assistant has been told.',
  'parked.continue': 'Continue shopping',
  'basket.lookup': 'Item without a barcode',
  'bagging.notRemoved.title': 'Please take the item out of the bagging area',
  'bagging.notRemoved.body': 'You removed these items from your basket. Take them out of the bagging area before you pay:',
  'bagging.takeOut': 'Take {{name}} out of the bagging area.',
  'basket.removeOne': 'Remove one',
  'notice.removalNeedsAssistant.title': 'An assistant will remove this item',
  'notice.removalNeedsAssistant.body': '{{name}} can only be removed by an assistant. An assistant has been asked: you can carry on scanning.',
  'bagging.place': 'Put {{name}} in the bagging area.',
  'bagging.placeItems': 'Put your items in the bagging area.',
  'bagging.ownBag': 'I have my own bag',
  'bagging.unexpectedItem.title': 'Unexpected item in the bagging area',
  'bagging.unexpectedItem.body': 'Something that was not scanned is in the bagging area. Please take it out, scan it, and put it back.',
  'bagging.itemRemoved.title': 'An item was taken from the bagging area',
  'bagging.itemRemoved.body': 'Please put the item back in the bagging area to continue.',
  'bagging.notBagged.title': 'Please bag your items',
  'bagging.notBagged.body': 'Put these items in the bagging area before you pay:',
  'bagging.waiting': 'Scanning continues as soon as the bagging area is right. If you need help, press Help.',
  'bagging.keepDuringPayment': 'Please leave your items in the bagging area until you have paid.',
  'unit.pricePerKg': '{{price}}/kg',
  'unit.pricePerPiece': '{{price}} each',
  'unit.tare': 'tare {{weight}}',

  'lookup.title': 'Find an item',
  'lookup.back': 'Back to basket',
  'lookup.searchLabel': 'Item name or PLU code',
  'lookup.placeholder': 'Type a name or PLU code',
  'lookup.popular': 'Popular items without a barcode',
  'lookup.results': 'Matching items',
  'lookup.loading': 'Searching…',
  'lookup.noResults': 'Nothing found. Check the spelling, or type the code from the shelf label.',
  'lookup.failed': 'Search is not working right now. Please ask an assistant.',
  'lookup.plu': 'PLU {{plu}}',
  'keyboard.label': 'On-screen keyboard',
  'keyboard.showLatin': 'Latin letters',
  'keyboard.showCyrillic': 'Cyrillic letters',
  'keyboard.showDigits': 'Numbers',
  'keyboard.space': 'Space',
  'keyboard.backspace': 'Delete the last letter',
  'keyboard.clear': 'Clear',
  'keyboard.hide': 'Hide the keyboard',

  'weighing.title': 'Weigh your item',
  'weighing.add': 'Add to basket',
  'weighing.cancel': 'Cancel',
  'weighing.weight': 'Weight',
  'weighing.price': 'Price',
  'weighing.status.waiting': 'Waiting for the scale…',
  'weighing.status.placeItem': 'Put the item on the scale.',
  'weighing.status.clearScale': 'Please take everything off the scale, then put the item back on.',
  'weighing.status.settling': 'Hold still, the scale is settling.',
  'weighing.status.overCapacity': 'Too heavy for the scale. Please ask an assistant.',
  'weighing.status.underZero': 'The scale needs resetting. Please ask an assistant.',
  'weighing.status.zeroError': 'The scale needs resetting. Please ask an assistant.',
  'weighing.status.belowMinimum': 'Too light to weigh. Add more, or ask an assistant.',
  'weighing.status.unsupportedUnit': 'This scale cannot weigh this item. Please ask an assistant.',
  'weighing.status.ready': 'Press “Add to basket”.',

  'notice.ok': 'OK',
  'notice.code': 'Barcode: {{code}}',
  'notice.unknownItem.title': 'Item not found',
  'notice.unknownItem.body': 'We could not find this item. Please put it aside and ask an assistant for help.',
  'notice.rejectedBarcode.title': 'Barcode not accepted',
  'notice.needsWeighing.title': 'This item must be weighed',
  'notice.needsWeighing.body': '{{name}} is sold by weight. Please ask an assistant to weigh it for you.',
  'notice.finishPaymentFirst.title': 'Please finish paying first',
  'notice.finishPaymentFirst.body': 'Items scanned now are not added. Pay for this basket first, or cancel the payment.',
  'notice.paymentCancelled.title': 'Payment cancelled',
  'notice.paymentCancelled.body': 'No money was taken. Your items are still in the basket.',

  'confirmCancel.title': 'Cancel this sale?',
  'confirmCancel.body': 'All items will be removed from your basket.',
  'confirmCancel.yes': 'Yes, cancel',
  'confirmCancel.no': 'No, keep shopping',

  'barcode.rejected': 'This barcode could not be used. Please scan it again or ask for help.',
  'barcode.reason.empty': 'Nothing was read. Please scan the barcode again.',
  'barcode.reason.invalidCharacters': 'This barcode could not be read. Please scan it again or ask for help.',
  'barcode.reason.wrongLength': 'Only part of this barcode was read. Please scan it again or ask for help.',
  'barcode.reason.checkDigit': 'This barcode was misread. Please hold the item still and scan it again.',
  'barcode.reason.priceCheckDigit': 'The price on this label could not be read. Please scan it again or ask for help.',
  'barcode.reason.unknownSymbology': 'This is not a product barcode. Please scan the barcode on the product.',
  'barcode.reason.unsupportedSymbology': 'This kind of barcode cannot be used here. Please scan another barcode on the product or ask for help.',
  'barcode.reason.addOnOnly': 'Only the small extra barcode was read. Please scan the main barcode.',
  'barcode.reason.malformedElementString': 'This label could not be read. Please scan it again or ask for help.',
  'barcode.reason.unknownApplicationIdentifier': 'This label cannot be used here. Please ask an assistant for help.',
  'barcode.reason.missingGtin': 'This code does not show which product it is. Please scan the barcode on the product.',
  'barcode.reason.malformedDigitalLink': 'This QR code could not be read. Please scan the barcode on the product instead.',
  'barcode.reason.unsupportedPrecision': 'The weight or price on this label cannot be used here. Please ask an assistant for help.',

  'payment.authorizing.title': 'Follow the instructions on the card terminal',
  'payment.amountDue': 'Amount to pay',
  'payment.cancel': 'Cancel payment',
  'payment.cancelling.title': 'Cancelling…',
  'payment.cancelling.body': 'Please wait while the card terminal confirms.',
  'payment.settling.title': 'Checking the last payment…',
  'payment.settling.body': 'Please wait while the card terminal confirms that nothing was charged.',
  'payment.prompt.presentCard': 'Insert, tap or swipe your card.',
  'payment.prompt.enterPin': 'Enter your PIN on the card terminal.',
  'payment.prompt.processing': 'Processing, please wait…',
  'payment.failed.title': 'The payment did not go through',
  'payment.retry': 'Try again',
  'payment.backToBasket': 'Back to basket',
  'payment.failure.declined.insufficientFunds': 'Your bank declined the payment: not enough money. Please try another card.',
  'payment.failure.declined.cardDeclined': 'Your card was declined. Please try another card.',
  'payment.failure.declined.cardExpired': 'This card has expired. Please use another card.',
  'payment.failure.declined.pinIncorrect': 'The PIN was not correct. Please try again.',
  'payment.failure.declined.other': 'The payment was declined. Please try again or use another card.',
  'payment.failure.timedOut': 'The card terminal took too long to answer. Please try again.',
  'payment.failure.unavailable': 'The card terminal is not available right now. Please try again or ask an assistant.',

  'receipt.printing': 'Printing your receipt…',
  'receipt.done.title': 'Thank you!',
  'receipt.done.body': 'Please take your receipt and your shopping.',
  'receipt.paid': 'You paid {{amount}}',
  'receipt.finish': 'Done',
  'receipt.printFailed.title': 'Your purchase is complete.',
  'receipt.printFailed.body': 'The receipt could not be printed. If you need one, please ask an assistant.',
  'receipt.reprint': 'Try printing again',
  'receipt.noReceipt': 'No receipt, thanks',
  'receipt.notPrinted': 'No receipt was printed. Please take your shopping.',
  'receipt.printNow': 'Print a receipt',

  'device.role.scanner': 'Scanner',
  'device.role.printer': 'Receipt printer',
  'device.role.paymentTerminal': 'Card terminal',
  'device.role.scale': 'Scale',
  'device.role.baggingScale': 'Bagging area scale',
  'device.role.laneLight': 'Lane light',
  'device.banner.scanner': 'Please ask an assistant for help.',
  'device.banner.printer': 'You can still pay, but your receipt may not print.',
  'device.banner.paymentTerminal': 'Please ask an assistant before you pay.',
  'device.banner.scale': 'Items sold by weight need an assistant.',
  'device.banner.baggingScale': 'Please ask an assistant for help.',
  'device.banner.laneLight': 'If you need help, please ask an assistant.',
  'device.status.closed': 'switched off',
  'device.status.connecting': 'starting up',
  'device.status.lost': 'not connected',
  'device.fault.paperEnd': 'out of paper',
  'device.fault.coverOpen': 'cover open',
  'device.fault.printerOffline': 'offline',
  'device.fault.cutterError': 'paper cutter stuck',
  'device.fault.unrecoverableError': 'needs repair',
  'device.fault.notResponding': 'not responding',
  'device.fault.scaleError': 'needs service',
  'device.unreadableInput': 'sends data that cannot be read',

  'receiptDoc.lane': 'Checkout {{laneId}}',
  'receiptDoc.sale': 'Sale no. {{number}}',
  'receiptDoc.total': 'TOTAL',
  'receiptDoc.vatIncluded': 'VAT included',
  'receiptDoc.vatRow': 'VAT {{rate}} of {{gross}}',
  'receiptDoc.vatTotal': 'Total VAT',
  'receiptDoc.cardPayment': 'Card payment',
  'receiptDoc.card': 'Card',
  'receiptDoc.authCode': 'Auth code',
  'receiptDoc.reference': 'Reference',
  'receiptDoc.thankYou': 'Thank you for shopping with us!',
  'receiptDoc.cancelled': 'CANCELLED',
  'receiptDoc.cancelledNote': 'This sale was cancelled. Nothing was charged.',
  'receiptDoc.reprint': 'REPRINT',
  'staff.button': 'Staff',
  'staff.signIn.title': 'Staff sign-in',
  'staff.signIn.number': 'Assistant number',
  'staff.signIn.pin': 'PIN',
  'staff.signIn.submit': 'Sign in',
  'staff.signIn.cancel': 'Cancel',
  'staff.signIn.badgeHint': 'Or scan your staff badge.',
  'staff.signIn.problem.unknown': 'Wrong assistant number or PIN.',
  'staff.signIn.problem.wrongPin': 'Wrong assistant number or PIN.',
  'staff.signIn.problem.lockedOut': 'Too many wrong PINs. Try again in {{minutes}} min.',
  'staff.signIn.problem.inactive': 'This assistant cannot sign in here. Ask a supervisor.',
  'staff.signIn.problem.unavailable': 'Sign-in is not available right now. Try again.',
  'staff.panel.title': 'Assistant: {{name}}',
  'staff.signOut': 'Sign out',
  'staff.age.title': 'ID check: {{age}}+',
  'staff.age.approve': 'ID checked, {{age}}+ OK',
  'staff.age.refuse': 'Refuse, remove items',
  'staff.bagging.title': 'Bagging area',
  'staff.bagging.approve': 'Bagging area is right',
  'staff.skipBagging.approve': 'Allow skip bagging',
  'staff.parked.resume': 'Resume sale',
  'staff.voidSale': 'Cancel whole sale',
  'staff.lines.title': 'Basket',
  'staff.lines.less': 'One less',
  'staff.lines.more': 'One more',
  'staff.lines.void': 'Remove line',
  'staff.lines.price': 'Change price',
  'staff.price.title': 'New price: {{name}}',
  'staff.price.reason.damaged': 'Damaged',
  'staff.price.reason.shelfPrice': 'Shelf price',
  'staff.price.reason.other': 'Other',
  'staff.price.confirm': 'Set price',
  'staff.keyed.title': 'Enter barcode',
  'staff.keyed.add': 'Add item',
  'staff.tender.title': 'Take payment: {{due}} to pay',
  'staff.tender.amount': 'Amount received',
  'staff.tender.cash': 'Cash received',
  'staff.tender.other': 'Other tender',
  'staff.tender.change': 'Change to give: {{change}}',
  'staff.lane.title': 'Lane',
  'staff.lane.close': 'Close lane',
  'staff.lane.closing': 'The lane closes after this sale.',
  'staff.lane.open': 'Open lane',
  'staff.lane.maintenance': 'Maintenance',
  'staff.lane.endMaintenance': 'End maintenance',
  'staff.lane.leaveKiosk': 'Leave kiosk mode',
  'staff.suspend': 'Suspend sale, print slip',
  'staff.reprintLast': 'Reprint last receipt',
  'staff.keypad.clear': 'Clear',
  'staff.keypad.back': 'Delete',
  'staff.cancel': 'Cancel',

  'payment.choose.title': 'How would you like to pay?',
  'payment.choose.card': 'Card',
  'payment.choose.cardHint': 'Bank card or phone',
  'payment.choose.assistant': 'Cash or other',
  'payment.choose.assistantHint': 'An assistant takes your payment',
  'payment.paidSoFar': 'Paid so far',
  'payment.atAssistant.title': 'An assistant is coming to take your payment',
  'payment.atAssistant.body': 'Please wait here. You can still pay by card instead.',
  'payment.atAssistant.back': 'Pay another way',
  'notice.partialApproval.title': 'Part of the amount was paid',
  'notice.partialApproval.body': 'Your card paid {{approved}}. {{due}} is left to pay.',

  'age.pending': 'Some items have an age limit. An assistant will check your ID before you pay.',
  'age.waiting.title': 'An assistant will check your ID',
  'age.waiting.body': 'Please have your ID ready. You can pay as soon as it has been checked.',
  'age.waiting.back': 'Back to my basket',

  'bagging.skip': 'Too heavy to bag',
  'bagging.skipNeedsAssistant.title': 'An assistant will check your items',
  'bagging.skipNeedsAssistant.body': 'Several items are not in the bagging area. An assistant will have a quick look.',

  'closed.title': 'This checkout is closed',
  'closed.body': 'Please use another checkout.',
  'maintenance.title': 'This checkout is being serviced',
  'maintenance.body': 'Please use another checkout.',

  'basket.savings': 'You save',
  'basket.loyalty': 'Loyalty card {{card}}: member prices apply',
  'coupon.line': 'Coupon: {{name}}',
  'notice.couponRejected.title': 'This coupon cannot be used',
  'coupon.problem.unknown': 'We do not know this coupon. Please ask an assistant.',
  'coupon.problem.expired': 'This coupon has expired.',
  'coupon.problem.notYetValid': 'This coupon is not valid yet.',
  'coupon.problem.noMatchingItem': 'Scan the item this coupon is for first, then scan the coupon.',
  'coupon.problem.alreadyUsed': 'This coupon is already in your basket.',
  'coupon.problem.minimumSpend': 'This coupon needs a basket of at least {{amount}}.',
  'coupon.problem.loyaltyOnly': 'Scan your loyalty card first to use this coupon.',
  'notice.loyaltyAlreadyScanned.title': 'Your loyalty card is already scanned',
  'notice.loyaltyAlreadyScanned.body': 'Nothing has changed: member prices already apply.',
  'notice.suspendedSaleNotFound.title': 'This slip cannot be used',
  'notice.suspendedSaleNotFound.body': 'The sale on this slip was already continued or is not known here. Please ask an assistant.',
  'suspended.title': 'Your shopping is on hold',
  'suspended.body': 'Take the slip. Scan it at any checkout of this store to carry on.',

  'weighing.container': 'In a container?',
  'weighing.container.none': 'No container',
  'weighing.netWeight': 'Net weight {{weight}}',

  'receiptDoc.cashPayment': 'Cash',
  'receiptDoc.otherPayment': 'Other payment',
  'receiptDoc.change': 'Change',
  'receiptDoc.takenBy': 'Assistant',
  'receiptDoc.priceChanged': 'Price changed, was {{price}}',
  'receiptDoc.savings': 'YOU SAVED',
  'receiptDoc.loyaltyCard': 'Loyalty card',
  'receiptDoc.suspendedSlip': 'SALE ON HOLD',
  'receiptDoc.suspendedHint': 'Scan this slip at any checkout to continue.',
  'receiptDoc.keyed': 'Barcode keyed in',
  'receiptDoc.subtotal': 'Subtotal',

  'voidRequest.waiting': 'Waiting for an assistant to take off {{name}}.',
  'voidRequest.keep': 'Keep it',
  'laneMessage.assistantComing': '{{name}} is on the way to help you.',
  'laneMessage.pleaseWait': 'Please wait a moment. An assistant will be with you shortly.',
  'laneMessage.useAnotherLane': 'Please use another checkout.',
  'laneMessage.laneClosingSoon': 'This checkout closes soon. Please finish your shopping.',
  'laneMessage.checkBaggingArea': 'Please check the bagging area: only scanned items should be there.',

  'station.title': 'Supervisor station',
  'station.connecting': 'Connecting to the hub…',
  'station.offline': 'Connection to the hub lost. Reconnecting… What you see may be out of date.',
  'station.lane': 'Lane {{laneId}}',
  'station.loading': 'Loading…',
  'station.loadFailed': 'This could not be loaded. Please try again.',
  'station.export': 'Export CSV',
  'station.exportFailed': 'The export did not work. Please try again.',
  'station.nav.label': 'Station sections',
  'station.nav.lanes': 'Lanes',
  'station.nav.audit': 'Audit',
  'station.nav.reports': 'Reports',
  'station.sound.on': 'Sound on',
  'station.sound.off': 'Sound off',
  'station.role.assistant': 'Assistant',
  'station.role.supervisor': 'Supervisor',

  'station.signIn.title': 'Sign in to the station',
  'station.signIn.badge': 'Staff badge',
  'station.signIn.badgeHint': 'Scan your badge',
  'station.signIn.badgeRead': 'Badge read. Now type your PIN.',
  'station.signIn.useNumber': 'Use my number instead',

  'station.lanes.title': 'Lanes',
  'station.lanes.none': 'No lanes are set up on this hub yet.',
  'station.tile.noSale': 'No sale',
  'station.tile.offline': 'Offline',
  'station.tile.lastSeen': 'last seen {{time}}',
  'station.tile.neverSeen': 'Not connected yet',
  'station.tile.timeInState': 'Time in this state',
  'station.tile.assistantAtLane': '{{name}} is at the lane',
  'station.tile.storeBacklog_one': 'Not sent to the store: {{count}} sale, oldest {{age}}',
  'station.tile.storeBacklog_other': 'Not sent to the store: {{count}} sales, oldest {{age}}',
  'station.tile.storeLinkDown': 'No link to the store',
  'station.tile.storeConflicts': 'Rejected by the store: {{count}}',
  'station.age.minutes': '{{count}} min',
  'station.age.hours': '{{count}} h',
  'station.age.days': '{{count}} d',
  'station.light.closed': 'Light off',
  'station.light.open': 'Green light',
  'station.light.attention': 'Amber light',
  'station.light.intervention': 'Amber light, flashing',
  'station.light.alarm': 'Red light',

  'station.state.idle': 'Free',
  'station.state.outOfService': 'Out of service',
  'station.state.closed': 'Closed',
  'station.state.maintenance': 'Maintenance',
  'station.state.parked': 'Shopper away',
  'station.state.scanning': 'Scanning',
  'station.state.scanning.lookup': 'Looking up an item',
  'station.state.scanning.weighing': 'Weighing',
  'station.state.scanning.needsWeighing': 'Item needs weighing',
  'station.state.scanning.unknownItem': 'Item not found',
  'station.state.scanning.baggingMismatch': 'Weight mismatch',
  'station.state.scanning.skipBaggingNeedsAssistant': 'Skip bagging needs approval',
  'station.state.scanning.awaitingAgeCheck': 'Waiting for ID check',
  'station.state.scanning.removalNeedsAssistant': 'Wants an item removed',
  'station.state.scanning.stillThere': 'Asking if the shopper is there',
  'station.state.scanning.confirmingCancel': 'Shopper is cancelling',
  'station.state.payment': 'Paying',
  'station.state.payment.choosing': 'Choosing how to pay',
  'station.state.payment.atAssistant': 'Waiting to pay an assistant',
  'station.state.payment.authorizing': 'Paying by card',
  'station.state.payment.failed': 'Payment failed',
  'station.state.receipt': 'Finishing',
  'station.state.receipt.printFailed': 'Receipt not printed',
  'station.state.unknown': 'Busy',

  'station.intervention.help': 'Help called',
  'station.intervention.weightMismatch': 'Weight mismatch',
  'station.intervention.ageCheck': 'Age check',
  'station.intervention.voidApproval': 'Remove an item',
  'station.intervention.skipBagging': 'Skip bagging',
  'station.intervention.payAtAssistant': 'Pay at assistant',
  'station.intervention.parked': 'Sale left waiting',
  'station.intervention.deviceFault': 'Device fault',
  'station.intervention.paperOut': 'Out of paper',
  'station.intervention.paperLow': 'Paper low',
  'station.intervention.storeBacklog': 'Sales not reaching the store',
  'station.queue.unsentSales_one': '{{count}} sale not sent to the store',
  'station.queue.unsentSales_other': '{{count}} sales not sent to the store',
  'station.intervention.offline': 'Lane offline',

  'station.queue.title': 'Waiting for an assistant',
  'station.queue.empty': 'Nobody is waiting.',
  'station.queue.open': 'Open',
  'station.queue.waiting': 'waiting {{time}}',
  'station.queue.age': '{{age}}+',
  'station.quick.approveAge': 'Approve age',
  'station.quick.clearWeight': 'Clear weight mismatch',
  'station.quick.approveSkip': 'Allow skip bagging',
  'station.quick.approveVoid': 'Take one off',

  'station.confirm.cancel': 'Cancel',
  'station.confirm.approveAge': 'Approve the age check at lane {{laneId}}?',
  'station.confirm.clearWeight': 'Clear the weight mismatch at lane {{laneId}}?',
  'station.confirm.approveSkip': 'Allow skip bagging at lane {{laneId}}?',
  'station.confirm.approveVoid': 'Take the item off the basket at lane {{laneId}}?',
  'station.confirm.refuseAge': 'Refuse the age check at lane {{laneId}}? The age-limited items come off the basket.',
  'station.confirm.voidLine': 'Remove {{name}} from the basket at lane {{laneId}}?',
  'station.confirm.cancelSale': 'Cancel the whole sale at lane {{laneId}}?',

  'station.result.what': 'Lane {{laneId}} · {{action}}:',
  'station.result.sending': 'Sending…',
  'station.result.dismiss': 'Close',
  'station.outcome.done': 'Done.',
  'station.outcome.notNow': 'Not possible now: the lane has moved on.',
  'station.outcome.rejected': 'Refused by the lane.',
  'station.outcome.signedOut': 'You are signed out. Please sign in again.',
  'station.outcome.forbidden': 'Your role may not do this.',
  'station.outcome.offline': 'The lane is offline.',
  'station.outcome.timeout': 'No answer from the lane.',
  'station.reason.badMac': "The lane could not verify the command's signature: ask store IT to check the lane's secret.",
  'station.reason.malformed': 'The lane could not read the command.',
  'station.reason.wrongLane': 'The command was meant for another lane.',
  'station.reason.expired': 'The command reached the lane too late: ask store IT to check the clocks.',
  'station.reason.notYetValid': "The lane's clock is behind the server's: ask store IT to check it.",
  'station.reason.replayed': 'The lane had already received this command.',
  'station.reason.forbidden': 'Your role may not do this.',
  'station.reason.staleSale': 'The sale you were looking at has ended.',
  'station.reason.laneError': "The lane could not carry it out: see the lane's log.",
  'station.reason.notConnected': 'The console is not connected to the server.',

  'station.detail.back': 'Back to lanes',
  'station.detail.notFound': 'The hub does not know this lane.',
  'station.detail.basket': 'Basket',
  'station.detail.noSale': 'No sale in progress.',
  'station.detail.overridden': 'Price changed',
  'station.detail.ageApproved': 'ID checked by {{name}}',
  'station.detail.actions': 'Actions',
  'station.detail.noActions': 'Nothing to do at this lane now.',
  'station.detail.offlineNote': 'This lane is offline: commands cannot reach it.',
  'station.detail.context': 'At the lane',
  'station.detail.devices': 'Devices',
  'station.detail.devicesOk': 'All devices ready.',
  'station.detail.helpCalled': 'Called at {{time}}',
  'station.detail.atLane': 'Assistant',
  'station.detail.messageShown': 'Message on screen',
  'station.detail.recentEvents': 'Recent events',
  'station.detail.timeline': 'Timeline',
  'station.detail.timelineEmpty': 'Nothing has happened yet.',
  'station.timeline.state': 'State',
  'station.timeline.intervention': 'Needs an assistant',
  'station.timeline.cleared': 'Resolved',
  'station.timeline.command': 'Command',
  'station.timeline.online': 'Connected',
  'station.timeline.offline': 'Disconnected',
  'station.timeline.sale': 'Sale',
  'station.timeline.audit': 'Assistant action',

  'station.override.now': 'Now {{price}}',
  'station.override.nowForQuantity': 'Now {{price}} for {{quantity}}',
  'station.override.perPiece': 'New price per piece ({{currency}})',
  'station.override.forLine': 'New price for the line ({{currency}})',
  'station.override.invalid': 'Not a valid amount.',
  'station.override.reason': 'Reason',

  'station.message.open': 'Send a message',
  'station.message.title': 'Message for lane {{laneId}}',
  'station.message.hint': 'The shopper sees it in their own language.',
  'station.message.send': 'Send message',

  'station.audit.title': 'Audit trail',
  'station.audit.refresh': 'Refresh',
  'station.audit.more': 'Show older entries',
  'station.audit.empty': 'No entries yet.',
  'station.audit.from': 'From',
  'station.audit.to': 'To',
  'station.audit.time': 'Time',
  'station.audit.assistant': 'Assistant',
  'station.audit.role': 'Role',
  'station.audit.lane': 'Lane',
  'station.audit.sale': 'Sale',
  'station.audit.action': 'Action',
  'station.audit.reason': 'Reason',
  'station.audit.via': 'Via',
  'station.audit.outcome': 'Outcome',
  'station.via.lane': 'At the lane',
  'station.via.supervisor': 'Station',
  'station.auditAction.approveAge': 'Approve age',
  'station.auditAction.refuseAge': 'Refuse age',
  'station.auditAction.approveBagging': 'Clear weight mismatch',
  'station.auditAction.approveSkipBagging': 'Allow skip bagging',
  'station.auditAction.setQuantity': 'Change quantity',
  'station.auditAction.voidLine': 'Remove line',
  'station.auditAction.overridePrice': 'Change price',
  'station.auditAction.voidSale': 'Cancel sale',
  'station.auditAction.suspendSale': 'Put sale on hold',
  'station.auditAction.resumeSale': 'Resume sale',
  'station.auditAction.closeLane': 'Close lane',
  'station.auditAction.openLane': 'Open lane',
  'station.auditAction.startMaintenance': 'Start maintenance',
  'station.auditAction.endMaintenance': 'End maintenance',
  'station.auditAction.leaveKiosk': 'Leave kiosk mode',
  'station.auditAction.sendMessage': 'Send message',
  'station.auditAction.confirmTender': 'Take payment',
  'station.auditAction.keyedBarcode': 'Key in barcode',
  'station.auditAction.reprintLastReceipt': 'Reprint receipt',
  'station.auditAction.signIn': 'Sign in',
  'station.auditAction.signOut': 'Sign out',
  'station.auditAction.signInFailed': 'Failed sign-in',
  'station.auditAction.commandRejected': 'Command refused',
  'station.auditAction.laneRefused': 'Lane refused',
  'station.auditOutcome.done': 'Done',
  'station.auditOutcome.notNow': 'Not possible then',
  'station.auditOutcome.rejected': 'Refused',
  'station.auditOutcome.forbidden': 'Not allowed',
  'station.auditOutcome.timeout': 'No answer',
  'station.auditOutcome.offline': 'Lane offline',
  'station.auditOutcome.signedOut': 'Signed out',
  'station.auditOutcome.failed': 'Failed',
  'station.auditOutcome.lockedOut': 'Locked out',

  'station.reports.title': 'Reports',
  'station.reports.period': 'Period',
  'station.reports.day': 'Day',
  'station.reports.shift': 'Shift',
  'station.reports.date': 'Date',
  'station.reports.chooseDate': 'Choose a date.',
  'station.reports.sales': 'Sales',
  'station.reports.completed': 'Completed',
  'station.reports.abandoned': 'Abandoned',
  'station.reports.selfService': 'Self-service rate',
  'station.reports.total': 'Sales value',
  'station.reports.interventions': 'Interventions',
  'station.reports.averageWait': 'Average wait for an assistant',
  'station.reports.timePerItem': 'Time per item',
  'station.reports.perSale': 'Interventions per sale',
  'station.reports.hourly': 'Sales and interventions by hour',
  'station.reports.byKind': 'Interventions by kind',
  'station.reports.noData': 'No sales in this period.',
  'station.reports.noInterventions': 'No interventions in this period.',
} as const satisfies Record<DomainKeys, string> & Record<string, string>;

/** Plural categories of each language, as `Intl.PluralRules` (and so i18next) selects them. */
export interface PluralCategoriesOf {
  en: 'one' | 'other';
  ru: 'one' | 'few' | 'many' | 'other';
  lv: 'zero' | 'one' | 'other';
  bg: 'one' | 'other';
}
type _EveryLanguageHasPluralCategories = [Language] extends [keyof PluralCategoriesOf] ? ([keyof PluralCategoriesOf] extends [Language] ? true : never) : never;
const _pluralCheck: _EveryLanguageHasPluralCategories = true;
void _pluralCheck;

type EnglishKey = keyof typeof en;
type EnglishPluralSuffix = PluralCategoriesOf['en'];

/** Messages chosen by a `count` (stored as `<key>_<category>`). */
export type PluralKey = EnglishKey extends infer K ? (K extends `${infer Base}_${EnglishPluralSuffix}` ? Base : never) : never;
/** Messages with one form. */
export type SimpleKey = Exclude<EnglishKey, `${PluralKey}_${EnglishPluralSuffix}`>;
/** What code asks to translate. */
export type MessageKey = SimpleKey | PluralKey;

/** A complete catalogue for `L`: exactly the English keys, with `L`'s own plural forms. */
export type Catalog<L extends Language> = { readonly [K in SimpleKey]: string } & { readonly [K in `${PluralKey}_${PluralCategoriesOf[L]}`]: string };

// English must itself be complete (both plural forms of every plural message).
const _englishComplete: Catalog<'en'> = en;
void _englishComplete;

type Placeholders<S> = S extends `${string}{{${infer Name}}}${infer Rest}` ? Name | Placeholders<Rest> : never;
type EnglishText<K extends MessageKey> = K extends PluralKey ? (typeof en)[`${K}_${EnglishPluralSuffix}`] : K extends SimpleKey ? (typeof en)[K] : never;

/** The placeholders a message has, from its English text. */
export type MessagePlaceholder<K extends MessageKey> = Placeholders<EnglishText<K>>;

/** Values for a message's placeholders; plural messages also need `count`. */
export type MessageVars<K extends MessageKey> = K extends PluralKey
  ? { readonly count: number } & { readonly [P in Exclude<MessagePlaceholder<K>, 'count'>]: string | number }
  : { readonly [P in MessagePlaceholder<K>]: string | number };

/** The rest arguments of `t(key, …)`: none for a message without placeholders, else its values. */
export type MessageArgs<K extends MessageKey> = K extends PluralKey ? [vars: MessageVars<K>] : [MessagePlaceholder<K>] extends [never] ? [] : [vars: MessageVars<K>];
