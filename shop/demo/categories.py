"""Demo catalogue tree: three top-level categories and their sub-categories.

A sub-category names its parent by slug; parents come before their children.
"""
# ruff: noqa: E501
from __future__ import annotations

from typing import Any

CATEGORIES: list[dict[str, Any]] = [
    # ------------------------------------------------------------------ food
    dict(
        slug="food",
        parent=None,
        names={"en": "Food", "zh": "食品", "ru": "Продукты питания", "ur": "کھانے پینے کی اشیا"},
        descriptions={
            "en": "Bread, sweets, dried fruit, dairy, tea, spices and pantry staples from Central Asia, Russia, Pakistan and the Caucasus, held under bond in Kashgar.",
            "zh": "来自中亚、俄罗斯、巴基斯坦和高加索地区的面包、糖果、干果、乳制品、茶叶、香料和米面粮油，在喀什保税仓储。",
            "ru": "Хлеб, сладости, сухофрукты, молочные продукты, чай, специи и бакалея из Центральной Азии, России, Пакистана и с Кавказа — на бондовом складе в Кашгаре.",
            "ur": "وسطی ایشیا، روس، پاکستان اور قفقاز کی ڈبل روٹی، مٹھائیاں، خشک میوے، دودھ کی مصنوعات، چائے، مصالحے اور راشن کا سامان، کاشغر کے بانڈڈ گودام میں۔",
        },
    ),
    dict(
        slug="bread-bakery",
        parent="food",
        names={"en": "Bread & Bakery", "zh": "面包烘焙", "ru": "Хлеб и выпечка", "ur": "ڈبل روٹی اور بیکری"},
        descriptions={
            "en": "Lieba, the Russian-style bread baked right in the bonded zone, with rusks, sushki and gingerbread. Fresh bread is perishable and goes by the fastest line.",
            "zh": "在保税区内烘焙的俄式列巴，以及面包干、小面包圈和姜饼。新鲜面包属易腐品，走最快的线路发货。",
            "ru": "«Лиеба» — русский хлеб, который пекут прямо в бондовой зоне, а также сухари, сушки и пряники. Свежий хлеб — скоропортящийся товар и едет самым быстрым маршрутом.",
            "ur": "بانڈڈ زون ہی میں پکنے والی روسی طرز کی لیبا روٹی، ساتھ رس، سُشکی اور جنجر بریڈ۔ تازہ روٹی جلد خراب ہونے والی چیز ہے، اس لیے سب سے تیز راستے سے بھیجی جاتی ہے۔",
        },
    ),
    dict(
        slug="sweets-chocolate",
        parent="food",
        names={"en": "Sweets & Chocolate", "zh": "糖果巧克力", "ru": "Сладости и шоколад", "ur": "مٹھائیاں اور چاکلیٹ"},
        descriptions={
            "en": "Kazakh chocolate, Tatar chak-chak, Belarusian zephyr, Turkish delight, Georgian churchkhela and Baku pakhlava.",
            "zh": "哈萨克斯坦巧克力、鞑靼恰克恰克、白俄罗斯泽菲尔棉花糖、土耳其软糖、格鲁吉亚丘尔契赫拉和巴库千层酥。",
            "ru": "Казахстанский шоколад, татарский чак-чак, белорусский зефир, рахат-лукум, грузинская чурчхела и бакинская пахлава.",
            "ur": "قازق چاکلیٹ، تاتاری چک چک، بیلاروسی زیفیر، ترکش ڈیلائٹ، جارجیائی چرچخیلا اور باکو کی بقلاوہ۔",
        },
    ),
    dict(
        slug="dried-fruit-nuts",
        parent="food",
        names={"en": "Dried Fruit & Nuts", "zh": "干果坚果", "ru": "Сухофрукты и орехи", "ur": "خشک میوہ جات"},
        descriptions={
            "en": "Sun-dried apricots, raisins, melon and mulberries from the Fergana and Zarafshan valleys, with walnuts, almonds and Afghan pine nuts.",
            "zh": "来自费尔干纳和泽拉夫尚河谷的日晒杏干、葡萄干、甜瓜干和桑葚干，以及核桃、巴旦木和阿富汗松子。",
            "ru": "Курага, изюм, дыня и шелковица, высушенные на солнце в Ферганской и Зеравшанской долинах, а также грецкие орехи, миндаль и афганская чилгоза.",
            "ur": "وادیِ فرغانہ اور زرافشاں کی دھوپ میں سکھائی خوبانی، کشمش، خربوزہ اور شہتوت، ساتھ اخروٹ، بادام اور افغان چلغوزے۔",
        },
    ),
    dict(
        slug="dairy",
        parent="food",
        names={"en": "Dairy", "zh": "乳制品", "ru": "Молочные продукты", "ur": "دودھ کی مصنوعات"},
        descriptions={
            "en": "Kurt and aaruul dried on the steppe, kumis, camel milk, brynza, ghee and condensed milk. Chilled items are perishable and are not sent by rail.",
            "zh": "草原上晾干的奶疙瘩和蒙古奶干、酸马奶、骆驼奶、羊奶酪、酥油和炼乳。冷藏商品属易腐品，不走铁路运输。",
            "ru": "Курт и ааруул, высушенные в степи, кумыс, верблюжье молоко, брынза, топлёное масло и сгущёнка. Охлаждённые продукты скоропортящиеся и поездом не отправляются.",
            "ur": "کھلے میدانوں میں سکھایا گیا کُرت اور آرول، قمیز، اونٹنی کا دودھ، برینزا پنیر، دیسی گھی اور گاڑھا دودھ۔ ٹھنڈی رکھی جانے والی اشیا جلد خراب ہوتی ہیں، اس لیے ریل سے نہیں بھیجی جاتیں۔",
        },
    ),
    dict(
        slug="tea-coffee",
        parent="food",
        names={"en": "Tea & Coffee", "zh": "茶与咖啡", "ru": "Чай и кофе", "ur": "چائے اور کافی"},
        descriptions={
            "en": "Georgian and Azerbaijani tea, Russian ivan-chai, Mongolian milk tea and finely ground Turkish coffee.",
            "zh": "格鲁吉亚和阿塞拜疆茶叶、俄罗斯伊万茶、蒙古奶茶和极细研磨的土耳其咖啡。",
            "ru": "Грузинский и азербайджанский чай, иван-чай, монгольский чай с молоком и тонкомолотый кофе для турки.",
            "ur": "جارجیا اور آذربائیجان کی چائے، روسی ایوان چائے، منگولین دودھ والی چائے اور باریک پسی ترکش کافی۔",
        },
    ),
    dict(
        slug="spices-salt",
        parent="food",
        names={"en": "Spices & Salt", "zh": "香料与盐", "ru": "Специи и соль", "ur": "مصالحے اور نمک"},
        descriptions={
            "en": "Himalayan pink salt from Khewra, Pakistani masalas, Uzbek plov spices and saffron from Herat.",
            "zh": "凯沃拉的喜马拉雅玫瑰盐、巴基斯坦复合香料、乌兹别克手抓饭香料和赫拉特藏红花。",
            "ru": "Гималайская розовая соль из Кхевры, пакистанские масалы, узбекские приправы для плова и гератский шафран.",
            "ur": "کھیوڑہ کا ہمالیائی گلابی نمک، پاکستانی مصالحے، ازبک پلاؤ مصالحہ اور ہرات کا زعفران۔",
        },
    ),
    dict(
        slug="honey-preserves",
        parent="food",
        names={"en": "Honey & Preserves", "zh": "蜂蜜果酱", "ru": "Мёд и варенье", "ur": "شہد اور مربے"},
        descriptions={
            "en": "Kyrgyz mountain and sainfoin honey, Azerbaijani white cherry jam, Russian lingonberry jam and Altai sea-buckthorn syrup.",
            "zh": "吉尔吉斯高山蜜和红豆草白蜜、阿塞拜疆白樱桃果酱、俄罗斯越橘果酱和阿尔泰沙棘糖浆。",
            "ru": "Киргизский горный и эспарцетовый мёд, азербайджанское варенье из белой черешни, брусничное варенье и алтайский облепиховый сироп.",
            "ur": "کرغیزستان کا پہاڑی اور سینفوئن شہد، آذربائیجانی سفید چیری کا مربہ، روسی لنگن بیری جام اور آلتائی سی بک تھورن کا شربت۔",
        },
    ),
    dict(
        slug="pantry",
        parent="food",
        names={"en": "Rice, Oil & Pantry", "zh": "米面粮油", "ru": "Крупы, масло и бакалея", "ur": "چاول، تیل اور راشن"},
        descriptions={
            "en": "Basmati and devzira rice, buckwheat, sunflower oil and Georgian sauces for the everyday kitchen.",
            "zh": "巴斯马蒂米、德夫孜拉米、荞麦、葵花籽油和格鲁吉亚酱料，满足日常厨房所需。",
            "ru": "Рис басмати и девзира, гречка, подсолнечное масло и грузинские соусы для каждодневной кухни.",
            "ur": "روزمرہ باورچی خانے کے لیے باسمتی اور دیوزیرہ چاول، کُٹو، سورج مکھی کا تیل اور جارجیائی چٹنیاں۔",
        },
    ),
    # ------------------------------------------------------------------ cosmetics
    dict(
        slug="cosmetics",
        parent=None,
        names={"en": "Cosmetics", "zh": "美妆个护", "ru": "Косметика", "ur": "کاسمیٹکس"},
        descriptions={
            "en": "Skincare, perfume and hair and body care from Russia, Belarus, Kazakhstan, Pakistan and Türkiye. Perfume and aerosols cannot travel by air.",
            "zh": "来自俄罗斯、白俄罗斯、哈萨克斯坦、巴基斯坦和土耳其的护肤品、香水及洗护用品。香水和气雾剂不能空运。",
            "ru": "Уход за кожей, парфюмерия, средства для волос и тела из России, Беларуси, Казахстана, Пакистана и Турции. Парфюмерию и аэрозоли нельзя отправить самолётом.",
            "ur": "روس، بیلاروس، قازقستان، پاکستان اور ترکیہ کی جلد کی دیکھ بھال، پرفیوم اور بالوں و جسم کی نگہداشت کی مصنوعات۔ پرفیوم اور ایروسول ہوائی جہاز سے نہیں جا سکتے۔",
        },
    ),
    dict(
        slug="skincare",
        parent="cosmetics",
        names={"en": "Skincare", "zh": "护肤", "ru": "Уход за кожей", "ur": "جلد کی دیکھ بھال"},
        descriptions={
            "en": "Face and hand creams with Siberian cedar nut, sea-buckthorn, flax and camel milk; rose water and usma oil.",
            "zh": "含西伯利亚红松籽、沙棘、亚麻籽和骆驼奶的面霜与护手霜，以及玫瑰水和乌斯玛眉睫油。",
            "ru": "Кремы для лица и рук с кедровым маслом, облепихой, льном и верблюжьим молоком, розовая вода и масло усьмы.",
            "ur": "سائبیرین سیڈر نٹ، سی بک تھورن، السی اور اونٹنی کے دودھ والی چہرے اور ہاتھوں کی کریمیں، عرقِ گلاب اور وسمہ کا تیل۔",
        },
    ),
    dict(
        slug="perfume",
        parent="cosmetics",
        names={"en": "Perfume", "zh": "香水", "ru": "Парфюмерия", "ur": "پرفیوم اور عطر"},
        descriptions={
            "en": "Eaux de parfum from St Petersburg, Minsk and Istanbul, and alcohol-free attar from Lahore. Perfume cannot travel by air.",
            "zh": "来自圣彼得堡、明斯克和伊斯坦布尔的淡香精，以及拉合尔的无酒精香精油。香水不能空运。",
            "ru": "Парфюмерная вода из Петербурга, Минска и Стамбула и масляные духи без спирта из Лахора. Парфюмерию нельзя отправить самолётом.",
            "ur": "سینٹ پیٹرزبرگ، منسک اور استنبول کے پرفیوم اور لاہور کا الکحل سے پاک عطر۔ پرفیوم ہوائی جہاز سے نہیں بھیجا جا سکتا۔",
        },
    ),
    dict(
        slug="hair-body",
        parent="cosmetics",
        names={"en": "Hair & Body", "zh": "洗护", "ru": "Волосы и тело", "ur": "بال اور جسم"},
        descriptions={
            "en": "Shampoos and hair oils, hairspray, deodorants and shaving foam.",
            "zh": "洗发水和护发油、发胶、止汗香体喷雾和剃须泡沫。",
            "ru": "Шампуни и масла для волос, лак, дезодоранты и пена для бритья.",
            "ur": "شیمپو اور بالوں کے تیل، ہیئر اسپرے، ڈیوڈورنٹ اور شیونگ فوم۔",
        },
    ),
    # ------------------------------------------------------------------ daily necessities
    dict(
        slug="daily-necessities",
        parent=None,
        names={"en": "Daily Necessities", "zh": "日用百货", "ru": "Товары для дома", "ur": "روزمرہ ضروریات"},
        descriptions={
            "en": "Household goods, kitchenware and ceramics, textiles and crafts, and travel electronics.",
            "zh": "家居用品、厨具和陶瓷、纺织品和手工艺品，以及出行电子产品。",
            "ru": "Товары для дома, посуда и керамика, текстиль и ремёсла, дорожная электроника.",
            "ur": "گھریلو سامان، باورچی خانے کے برتن اور سیرامکس، کپڑے اور دستکاری، اور سفری الیکٹرانکس۔",
        },
    ),
    dict(
        slug="household",
        parent="daily-necessities",
        names={"en": "Household", "zh": "家居清洁", "ru": "Хозяйство", "ur": "گھریلو سامان"},
        descriptions={
            "en": "Laundry soap, dishwashing gel, air freshener and Himalayan salt lamps.",
            "zh": "洗衣皂、洗碗凝胶、空气清新剂和喜马拉雅盐灯。",
            "ru": "Хозяйственное мыло, гель для посуды, освежитель воздуха и солевые лампы.",
            "ur": "کپڑے دھونے کا صابن، برتن دھونے کا جیل، ایئر فریشنر اور ہمالیائی نمک کے لیمپ۔",
        },
    ),
    dict(
        slug="kitchen",
        parent="daily-necessities",
        names={"en": "Kitchen & Tableware", "zh": "厨具餐具", "ru": "Кухня и посуда", "ur": "باورچی خانہ اور برتن"},
        descriptions={
            "en": "Rishtan ceramics, Uzbek porcelain, cast-iron kazans and armudu tea glasses. Ceramics and glass are fragile and shipped double-boxed.",
            "zh": "里什坦陶瓷、乌兹别克瓷器、铸铁卡赞锅和阿尔穆杜茶杯。陶瓷和玻璃制品易碎，采用双层纸箱包装发货。",
            "ru": "Риштанская керамика, узбекский фарфор, чугунные казаны и стаканы армуду. Керамика и стекло хрупкие и отправляются в двойных коробках.",
            "ur": "رشتان کے مٹی کے برتن، ازبک چینی کے برتن، ڈھلواں لوہے کی دیگیں اور آرمودو چائے کے گلاس۔ سیرامک اور شیشہ نازک ہیں، اس لیے دوہرے ڈبوں میں بھیجے جاتے ہیں۔",
        },
    ),
    dict(
        slug="textiles",
        parent="daily-necessities",
        names={"en": "Textiles & Crafts", "zh": "纺织与手工艺", "ru": "Текстиль и ремёсла", "ur": "کپڑے اور دستکاری"},
        descriptions={
            "en": "Suzani embroidery, ikat silk, felt rugs and slippers, Pamiri socks, Sindhi ajrak and Mongolian cashmere.",
            "zh": "苏扎尼刺绣、艾德莱斯扎经丝绸、毛毡地毯和拖鞋、帕米尔羊毛袜、信德阿杰拉克和蒙古羊绒。",
            "ru": "Вышивка сюзане, шёлк икат, войлочные ковры и тапочки, памирские носки, синдхский аджрак и монгольский кашемир.",
            "ur": "سوزنی کڑھائی، اکت ریشم، نمدے کے قالین اور چپلیں، پامیری موزے، سندھی اجرک اور منگولین پشمینہ۔",
        },
    ),
    dict(
        slug="electronics-accessories",
        parent="daily-necessities",
        names={"en": "Electronics & Accessories", "zh": "电子配件", "ru": "Электроника и аксессуары", "ur": "الیکٹرانکس اور لوازمات"},
        descriptions={
            "en": "Power banks, headlamps and electric shavers. Lithium batteries cannot travel by air.",
            "zh": "移动电源、头灯和电动剃须刀。锂电池不能空运。",
            "ru": "Внешние аккумуляторы, налобные фонари и электробритвы. Литиевые аккумуляторы нельзя отправить самолётом.",
            "ur": "پاور بینک، ہیڈ لیمپ اور الیکٹرک شیور۔ لیتھیم بیٹریاں ہوائی جہاز سے نہیں جا سکتیں۔",
        },
    ),
]
